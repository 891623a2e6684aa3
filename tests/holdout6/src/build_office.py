"""Build the DOCX (sv-01) and ODT (en-06) documents of holdout6.

Run with /work/main/.venv/bin/python from tests/holdout6/.
"""
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TextProperties
from odf.text import H, List, ListItem, P

DOCS = Path(__file__).resolve().parent.parent / "docs"

# ---------------------------------------------------------------------------
# sv-01: small municipality, social services + elevhälsa. Headings are just
# bold paragraphs (Normal style with a bold run), no Heading styles.
# ---------------------------------------------------------------------------
SV01 = [
    ("title", "Samverkansrutin"),
    ("sub", "Tidig samordning kring barn och unga mellan individ- och familjeomsorgen och elevhälsan"),
    ("sub", "Ljungsjö kommun – Socialförvaltningen och Barn- och utbildningsförvaltningen"),
    ("meta", [
        ("Dokumenttyp", "Rutin"),
        ("Diarienummer", "SN 2025/022"),
        ("Gäller t.o.m.", "2027-06-30"),
        ("Kontaktperson", "Enhetschef IFO barn och unga"),
    ]),
    ("h", "1. Bakgrund"),
    ("p", "I en liten kommun känner många varandra, och mycket av samarbetet mellan skolan och socialtjänsten har hittills skett informellt, ofta genom ett telefonsamtal mellan två personer som råkar känna varandra. Det fungerar så länge dessa personer finns kvar. Den här rutinen ska göra arbetet mindre sårbart och mindre beroende av enskilda medarbetare."),
    ("h", "2. Syfte"),
    ("p", "Syftet är att familjer ska få stöd tidigare och slippa berätta samma sak för flera verksamheter."),
    ("h", "3. Vilka rutinen gäller"),
    ("p", "Rutinen gäller elever i förskoleklass till och med gymnasiet, i praktiken 6–19 år, när skolan eller socialtjänsten ser tecken på psykisk ohälsa, långvarig skolfrånvaro eller oro i hemmet."),
    ("h", "4. Ansvar"),
    ("p", "Individ- och familjeomsorgen (IFO) ansvarar för utredning och insatser till barn och familjer enligt socialtjänstlagen (2025:400)."),
    ("p", "Barn- och utbildningsförvaltningen ansvarar för elevhälsan och för att skolan anpassar undervisningen efter elevens behov enligt skollagen (2010:800)."),
    ("p", "Vårdcentralen och BUP i Region Västmark kan bjudas in när det behövs."),
    ("h", "5. Så går samarbetet till"),
    ("p", "Samarbetet följer Processbeskrivning Tidig samordning (dnr SN 2024/118). Den här rutinen upprepar inte stegen i processbeskrivningen."),
    ("p", "Det är IFO:s mottagningshandläggare som bokar det första gemensamma mötet med elevhälsan."),
    ("p", "Övriga uppgifter, såsom dokumentation och återkoppling till familjen, framgår av processbeskrivningen."),
    ("h", "6. Samtycke och uppgifter om barnet"),
    ("p", "Innan IFO och elevhälsan talar med varandra om ett enskilt barn fyller vårdnadshavarna i blanketten Samtycke till informationsutbyte."),
    ("p", "Blanketten skannas in i elevhälsans journalsystem och i socialtjänstens akt, och samtycket gäller i ett år om det inte återkallas."),
    ("p", "Utan samtycke gäller sekretess enligt 26 kap. 1 § offentlighets- och sekretesslagen (2009:400) för uppgifter hos socialtjänsten."),
    ("h", "7. Samordnad individuell plan"),
    ("p", "Om även regionens verksamheter behöver involveras kan en samordnad individuell plan (SIP) bli aktuell."),
    ("h", "8. Uppföljning"),
    ("p", "Barnets situation följs upp tillsammans med familjen efter tre månader."),
    ("p", "IFO:s enhetschef för barn och unga ansvarar för att rutinen följs upp."),
    ("h", "9. Avvikelser"),
    ("p", "Avvikelser hanteras enligt respektive förvaltnings egen avvikelserutin."),
    ("h", "10. Kostnader"),
    ("p", "Kostnad för tolk vid gemensamma möten betalas av den förvaltning som har bokat mötet."),
    ("h", "11. Beslut och giltighet"),
    ("p", "Rutinen beslutades av socialnämndens arbetsutskott den 18 februari 2025, § 14, efter samråd med barn- och utbildningsförvaltningen."),
    ("p", "Rutinen gäller till och med 2027-06-30 och ses över dessförinnan."),
]


def build_sv01(path: Path) -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for kind, content in SV01:
        if kind == "title":
            para = doc.add_paragraph()
            run = para.add_run(content)
            run.bold = True
            run.font.size = Pt(20)
            run.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
        elif kind == "sub":
            para = doc.add_paragraph()
            run = para.add_run(content)
            run.font.size = Pt(12)
        elif kind == "meta":
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for key, value in content:
                cells = table.add_row().cells
                cells[0].text = key
                cells[1].text = value
            doc.add_paragraph()
        elif kind == "h":
            para = doc.add_paragraph()
            run = para.add_run(content)
            run.bold = True
            run.font.size = Pt(12)
        else:
            para = doc.add_paragraph(content)
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT
    sec = doc.sections[0]
    sec.footer.paragraphs[0].text = "Ljungsjö kommun · Samverkansrutin tidig samordning"
    doc.core_properties.title = "Samverkansrutin – tidig samordning kring barn och unga"
    doc.core_properties.author = "Socialförvaltningen, Ljungsjö kommun"
    doc.save(path)


# ---------------------------------------------------------------------------
# en-06: Irish terms of reference, ODT with real headings.
# ---------------------------------------------------------------------------
EN06 = [
    ("title", "Terms of Reference"),
    ("p", "Carrowmore Child and Youth Mental Health Steering Group"),
    ("p", "A joint group of HSE Mid-Coast Community Healthcare and Carrowmore County Council, hosted by the Carrowmore Children and Young People's Services Committee (CYPSC)"),
    ("p", "Version 2.0 – agreed 14 January 2025"),
    ("h", "1. Background"),
    ("p", "The Steering Group was set up after the county's review of CAMHS waiting lists, which found that many children were referred to specialist services because nothing else was available locally, and that services in the county rarely planned together."),
    ("h", "2. Purpose"),
    ("p", "The purpose of the Group is to improve how services for children and young people's mental health in the county work together, and to give the CYPSC a clear view of gaps in provision."),
    ("p", "The Group does not set numerical targets of its own; targets for the county are contained in the CYPSC Children and Young People's Plan."),
    ("h", "3. Scope"),
    ("p", "The Group is concerned with children and young people in County Carrowmore."),
    ("p", "It does not consider individual cases. No information about individual children is exchanged through the Group."),
    ("h", "4. Membership"),
    ("p", "Membership is drawn from HSE CAMHS, HSE Primary Care Psychology, Tusla Prevention, Partnership and Family Support, the Community Section of Carrowmore County Council, the Education and Training Board, the National Educational Psychological Service and one representative of the community and voluntary sector."),
    ("p", "Members share collective responsibility for the work of the Group."),
    ("h", "5. Guiding principles"),
    ("p", "The Group's work is guided by the UN Convention on the Rights of the Child and by the national policy framework for children and young people."),
    ("h", "6. Roles"),
    ("list", [
        "The Chair, elected by members for two years, convenes meetings and agrees the agenda with the Coordinator.",
        "The CYPSC Coordinator provides the secretariat, circulates papers at least five working days before each meeting and keeps the minutes and the action log.",
        "Each member keeps their own organisation informed of the Group's work.",
    ]),
    ("h", "7. Meetings"),
    ("p", "The Group meets six times a year, normally on the second Wednesday of alternate months, in person or online."),
    ("p", "Members who cannot attend send a nominated deputy."),
    ("p", "Agenda items are sent to the Coordinator by email no later than ten working days before the meeting."),
    ("h", "8. Issues and escalation"),
    ("p", "Where a member agency considers that an agreed action has not been carried out, it records the matter in the issues log held by the Coordinator."),
    ("p", "Issues that remain unresolved after two meetings are escalated to the CYPSC Chair and, if necessary, to the HSE Head of Service for Mental Health and the Council's Director of Services."),
    ("h", "9. Reporting and effectiveness"),
    ("p", "Each December the Group assesses how well it has worked, using attendance, the share of actions completed and feedback from member agencies, and reports the result to the CYPSC."),
    ("h", "10. Resources"),
    ("p", "The Group has no budget of its own. The cost of meeting rooms and refreshments is met by the agency hosting each meeting."),
]


def build_en06(path: Path) -> None:
    doc = OpenDocumentText()
    title = Style(name="DocTitle", family="paragraph")
    title.addElement(TextProperties(fontsize="20pt", fontweight="bold", color="#0b5d4b"))
    title.addElement(ParagraphProperties(marginbottom="0.3cm"))
    doc.styles.addElement(title)
    heading = Style(name="Heading 2", family="paragraph")
    heading.addElement(TextProperties(fontsize="13pt", fontweight="bold", color="#0b5d4b"))
    heading.addElement(ParagraphProperties(margintop="0.4cm", marginbottom="0.15cm"))
    doc.styles.addElement(heading)
    body = Style(name="Body", family="paragraph")
    body.addElement(TextProperties(fontsize="11pt"))
    body.addElement(ParagraphProperties(marginbottom="0.2cm"))
    doc.styles.addElement(body)
    for kind, content in EN06:
        if kind == "title":
            doc.text.addElement(P(stylename=title, text=content))
        elif kind == "h":
            doc.text.addElement(H(outlinelevel=2, stylename=heading, text=content))
        elif kind == "list":
            lst = List()
            for item in content:
                li = ListItem()
                li.addElement(P(stylename=body, text=item))
                lst.addElement(li)
            doc.text.addElement(lst)
        else:
            doc.text.addElement(P(stylename=body, text=content))
    doc.save(str(path))


if __name__ == "__main__":
    DOCS.mkdir(parents=True, exist_ok=True)
    build_sv01(DOCS / "sv-01-ljungsjo-samverkansrutin.docx")
    build_en06(DOCS / "en-06-carrowmore-steering-group-terms-of-reference.odt")
    print("ok")
