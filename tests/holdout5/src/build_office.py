"""Builds the DOCX and ODT documents of holdout5 (sv-04, en-09, sv-06).

Run with the project venv from tests/holdout5:  ../../.venv/bin/python src/build_office.py
"""
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Cm

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs"


# --------------------------------------------------------------------- helpers
def add_page_number_footer(section, prefix):
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(prefix)
    run.font.size = Pt(8)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        r = p.add_run()
        r.font.size = Pt(8)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)


def shade(cell, hex_fill):
    tcPr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tcPr.append(shd)


def table(doc, rows, header=True, widths=None, fill="D9E2F3"):
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            c = t.cell(i, j)
            c.text = text
            for par in c.paragraphs:
                for run in par.runs:
                    run.font.size = Pt(9.5)
                    if header and i == 0:
                        run.bold = True
            if header and i == 0:
                shade(c, fill)
            if widths:
                c.width = Cm(widths[j])
    doc.add_paragraph()
    return t


def base_doc(font="Calibri", size=11):
    doc = Document()
    st = doc.styles["Normal"]
    st.font.name = font
    st.font.size = Pt(size)
    sec = doc.sections[0]
    sec.page_height = Cm(29.7)
    sec.page_width = Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(2.3)
    sec.top_margin = Cm(2.2)
    sec.bottom_margin = Cm(2.2)
    return doc


# ------------------------------------------------------------ sv-04 handlingsplan
def build_sv04():
    doc = base_doc("Calibri", 11)
    sec = doc.sections[0]
    hp = sec.header.paragraphs[0]
    hp.text = "Tallmo kommun · Region Sjömark\tHandlingsplan tidiga insatser barn och unga 2026–2027"
    hp.runs[0].font.size = Pt(8)
    add_page_number_footer(sec, "Sida ")

    t = doc.add_paragraph()
    r = t.add_run("Handlingsplan 2026–2027")
    r.bold = True
    r.font.size = Pt(12)
    r.font.color.rgb = RGBColor(0x1F, 0x6F, 0x3F)
    doc.add_heading("Tidiga och samordnade insatser för barn och unga i Tallmo", level=0)
    doc.add_paragraph(
        "Tallmo kommun (socialförvaltningen och utbildningsförvaltningen) och Region Sjömark "
        "(Hälsocentralen Tallmo, barnhälsovården och BUP Sjömark norra)")

    table(doc, [
        ["Uppgift", "Innehåll"],
        ["Diarienummer", "SN 2025/318, RS 2025-04471"],
        ["Planperiod", "2026–2027"],
        ["Framtagen av", "Arbetsgruppen tidiga insatser"],
        ["Kontaktperson", "Samverkanssamordnare Hanna Lundgren, Tallmo kommun"],
    ], widths=[4.5, 11.5], fill="E2EFDA")

    doc.add_heading("1 Bakgrund", level=1)
    doc.add_paragraph(
        "Tallmoenkäten 2025 visade att nästan var fjärde elev i årskurs 9 ofta känner sig nedstämd, "
        "och att många inte vet vart de kan vända sig. Samtidigt har väntetiderna till BUP ökat, och "
        "flera familjer har beskrivit att de har skickats mellan skolan, hälsocentralen och "
        "socialtjänsten utan att någon tagit ett samlat grepp.")
    doc.add_paragraph(
        "Under hösten 2025 genomförde kommunen och regionen en gemensam nulägesanalys. Den visade bland "
        "annat att överlämningen mellan barnhälsovården och förskolan sker på olika sätt i olika delar "
        "av kommunen, att få familjer erbjuds en samordnad individuell plan och att det saknas insatser "
        "för unga med lättare psykisk ohälsa.")

    doc.add_heading("2 Utgångspunkter", level=1)
    doc.add_paragraph("Planen riktar sig till barn och unga i Tallmo och deras familjer.")
    doc.add_paragraph(
        "Kommunen och regionen har ett gemensamt ansvar för att planens aktiviteter genomförs.")
    doc.add_paragraph(
        "Barn har enligt artikel 12 i barnkonventionen rätt att uttrycka sina åsikter i frågor som rör "
        "dem. Därför genomförs under våren 2026 fokusgrupper med elever i årskurs 7–9 och på "
        "gymnasiet, och elevernas synpunkter redovisas för styrgruppen innan aktivitet 4 och 5 startar.")
    doc.add_paragraph(
        "Socialtjänsten har enligt socialtjänstlagen ett ansvar för förebyggande arbete och för att "
        "samverka med andra samhällsorgan när det gäller barn som riskerar att fara illa.")

    doc.add_heading("3 Mål", level=1)
    doc.add_paragraph("Planen har två mål som ska vara uppnådda när planperioden är slut.")
    doc.add_paragraph(
        "Andelen elever i årskurs 9 som i Tallmoenkäten uppger att de vet vart de kan vända sig när de "
        "mår dåligt ska öka från 58 procent 2025 till minst 75 procent 2027.",
        style="List Number")
    doc.add_paragraph(
        "Andelen barn med insatser från både kommunen och regionen som har en samordnad individuell "
        "plan ska öka från 35 procent till 60 procent till december 2027.",
        style="List Number")

    doc.add_heading("4 Aktiviteter", level=1)
    table(doc, [
        ["Nr", "Aktivitet", "Ansvarig", "Klart senast"],
        ["1", "Kartlägga befintliga samverkansforum och kontaktvägar mellan verksamheterna",
         "Samverkanssamordnaren", "2026-03-31"],
        ["2", "Gemensam utbildningsdag om tidiga tecken på psykisk ohälsa för elevhälsa, socialtjänst och hälsocentral",
         "Arbetsgruppen tidiga insatser", "2026-05-31"],
        ["3", "Ta fram en gemensam mall för överlämning från barnhälsovård till förskola",
         "Arbetsgruppen tidiga insatser", "2026-10-31"],
        ["4", "Starta samtalsgrupper för unga med oro och nedstämdhet på två högstadieskolor",
         "Arbetsgruppen tidiga insatser", "2026-09-30"],
        ["5", "Införa en gemensam telefonlinje för vårdnadshavare som inte vet vart de ska vända sig",
         "Lokala styrgruppen för barn och unga", "2027-01-31"],
        ["6", "Utbilda fem medarbetare från varje huvudman till SIP-samordnare",
         "Samverkanssamordnaren", "2026-12-31"],
        ["7", "Sammanställa uppföljning av planen och rapportera till styrgruppen",
         "Samverkanssamordnaren", "Juni och december 2026 och 2027"],
    ], widths=[1.0, 8.5, 4.0, 3.0], fill="E2EFDA")

    doc.add_heading("5 Organisation", level=1)
    doc.add_paragraph(
        "Arbetet med planen bedrivs inom den samverkansstruktur som beskrivs i Rutin för lokal "
        "samverkan barn och unga i Tallmo och redovisas därför inte här.")
    doc.add_paragraph(
        "Samverkanssamordnaren kallar till arbetsgruppens möten. Övrig rollfördelning i det löpande "
        "samarbetet framgår av samma rutin.")

    doc.add_heading("6 Informationsöverföring", level=1)
    doc.add_paragraph(
        "Överlämningen av information från barnhälsovården till förskolan och från förskolan till "
        "skolan behöver bli bättre och mer enhetlig. Aktivitet 3 är ett första steg.")

    doc.add_heading("7 Uppföljning", level=1)
    doc.add_paragraph(
        "Samverkanssamordnaren sammanställer uppföljningen i juni och december varje år och redovisar "
        "den för Lokala styrgruppen för barn och unga. Uppföljningen omfattar hur långt varje aktivitet "
        "har kommit och utvecklingen för de två målen.")

    doc.add_heading("8 Ekonomi", level=1)
    doc.add_paragraph(
        "Aktiviteterna genomförs inom befintliga budgetramar. Kostnaden för den gemensamma "
        "utbildningsdagen delas lika mellan kommunen och regionen.")

    doc.add_heading("9 Beslut och giltighet", level=1)
    doc.add_paragraph(
        "Handlingsplanen godkändes av Lokala styrgruppen för barn och unga i Tallmo den 4 december 2025.")
    doc.add_paragraph("Handlingsplanen gäller för perioden 2026-01-01–2027-12-31.")

    doc.save(DOCS / "sv-04-tallmo-handlingsplan.docx")


# --------------------------------------------------- en-09 Irish joint procedure
def build_en09():
    doc = base_doc("Arial", 10.5)
    sec = doc.sections[0]
    hp = sec.header.paragraphs[0]
    hp.text = "HSE Cluain Mental Health Services  |  Tusla – Child and Family Agency, Cluain Area"
    hp.runs[0].font.size = Pt(8)
    add_page_number_footer(sec, "Page ")

    doc.add_heading("Joint Procedure: Consultation, Referral and Meitheal between CAMHS and Tusla", level=0)
    doc.add_paragraph("Cluain Area – for staff of HSE Child and Adolescent Mental Health Services and "
                      "Tusla Social Work and Family Support Services")

    doc.add_heading("1. About this procedure", level=1)
    doc.add_paragraph(
        "This procedure sets out the steps that staff in CAMHS and in Tusla follow when a child or young "
        "person known to one service may also need help from the other. It should be read together with "
        "Children First: National Guidance for the Protection and Welfare of Children.")

    doc.add_heading("2. Who it applies to", level=1)
    doc.add_paragraph(
        "The procedure applies to children and young people under 18 years of age living in the Cluain "
        "area who present with moderate to severe mental health difficulties and who are also known to, "
        "or are being referred to, Tusla.")
    doc.add_paragraph(
        "Children with mild difficulties are normally supported by primary care psychology, Jigsaw or "
        "school-based supports and fall outside this procedure.")

    doc.add_heading("3. Responsibilities", level=1)
    doc.add_paragraph(
        "HSE CAMHS is responsible for the assessment and treatment of children with moderate to severe "
        "mental health disorders, in line with the CAMHS Operational Guideline.")
    doc.add_paragraph(
        "Tusla is responsible for child protection and welfare assessment, for family support through "
        "the Child and Family Support Networks and for alternative care.")
    doc.add_paragraph(
        "Mandated persons in both services must report harm above the threshold to Tusla under section 14 "
        "of the Children First Act 2015. Tusla's functions are set out in section 8 of the Child and "
        "Family Agency Act 2013.")

    doc.add_heading("4. Steps", level=1)
    doc.add_heading("Step 1 – Consultation", level=2)
    doc.add_paragraph(
        "A joint consultation clinic is held on the first Wednesday of every month at Cluain Primary Care "
        "Centre and is attended by a CAMHS clinician and a Tusla social work team leader. Cases can be "
        "discussed without identifying the child.")
    doc.add_heading("Step 2 – Referral", level=2)
    doc.add_paragraph(
        "If the consultation indicates that a referral is needed, the referring service completes the "
        "standard referral form and sends it to the other service's intake team.")
    doc.add_heading("Step 3 – Screening", level=2)
    doc.add_paragraph(
        "The receiving intake team screens the referral at its next weekly meeting and informs the "
        "referrer of the decision in writing.")
    doc.add_heading("Step 4 – Joint planning meeting", level=2)
    doc.add_paragraph(
        "Where both services will be involved, the Tusla social worker allocated to the case is "
        "responsible for arranging a joint planning meeting and for recording the agreed actions.")
    doc.add_paragraph(
        "The CAMHS key worker informs the young person and the parents of the outcome of the CAMHS "
        "assessment and of what has been agreed at the joint planning meeting.")
    doc.add_heading("Step 5 – Case review", level=2)
    doc.add_paragraph(
        "Each joint case is reviewed by the CAMHS key worker and the Tusla social worker every six weeks "
        "until one or both services close the case.")

    doc.add_heading("5. Meitheal", level=1)
    doc.add_paragraph(
        "Where a child needs support from more than one agency and there are no child protection "
        "concerns, the family should be offered a Meitheal, which results in one shared Child and Family "
        "Plan.")
    doc.add_paragraph(
        "The Child and Family Support Network Coordinator convenes the first Meitheal meeting once the "
        "parent has given written consent. The family chooses a lead practitioner, who calls the review "
        "meetings and closes the Meitheal when the agreed outcomes have been reached.")

    doc.add_heading("6. Consent and information sharing", level=1)
    doc.add_paragraph(
        "No referral is accepted without the written consent of a parent or guardian, except where a "
        "report is made under the Children First Act 2015.")
    doc.add_paragraph(
        "Referral forms, reports and minutes are sent between the services by Healthmail only. Paper "
        "copies are not posted.")

    doc.add_heading("7. Disagreements", level=1)
    doc.add_paragraph(
        "Any disagreement about whether a referral should be accepted is escalated to the CAMHS Team "
        "Coordinator and the Tusla Social Work Team Leader. If it is not resolved within ten working days, "
        "it is referred to the Tusla Area Manager and the HSE Executive Clinical Director for a joint "
        "decision.")

    doc.add_heading("8. Review of this procedure", level=1)
    doc.add_paragraph("This procedure will be reviewed.")

    doc.add_heading("Document control", level=1)
    table(doc, [
        ["Field", "Entry"],
        ["Approved by:", ""],
        ["Date of approval:", ""],
        ["Review date:", ""],
    ], widths=[5, 11], fill="DDEBF7")

    doc.save(DOCS / "en-09-cluain-camhs-tusla-procedure.docx")


# --------------------------------------------------------- sv-06 uppdragsbeskrivning (ODT)
def build_sv06():
    from odf.opendocument import OpenDocumentText
    from odf.style import (Style, TextProperties, ParagraphProperties,
                           TableColumnProperties, TableCellProperties)
    from odf.text import H, P, List, ListItem
    from odf.table import Table, TableColumn, TableRow, TableCell

    doc = OpenDocumentText()
    h1 = Style(name="Heading 1", family="paragraph")
    h1.addElement(TextProperties(fontsize="14pt", fontweight="bold", color="#2E4A62"))
    h1.addElement(ParagraphProperties(margintop="0.35cm", marginbottom="0.15cm"))
    doc.styles.addElement(h1)
    title = Style(name="Title", family="paragraph")
    title.addElement(TextProperties(fontsize="20pt", fontweight="bold", color="#2E4A62"))
    doc.styles.addElement(title)
    small = Style(name="Small", family="paragraph")
    small.addElement(TextProperties(fontsize="9pt", color="#555555"))
    doc.styles.addElement(small)
    cellst = Style(name="Cell", family="table-cell")
    cellst.addElement(TableCellProperties(border="0.5pt solid #7f7f7f", padding="0.1cm"))
    doc.automaticstyles.addElement(cellst)
    col1 = Style(name="Col1", family="table-column")
    col1.addElement(TableColumnProperties(columnwidth="5cm"))
    doc.automaticstyles.addElement(col1)
    col2 = Style(name="Col2", family="table-column")
    col2.addElement(TableColumnProperties(columnwidth="11cm"))
    doc.automaticstyles.addElement(col2)

    def para(text, style=None):
        doc.text.addElement(P(text=text, stylename=style) if style else P(text=text))

    def head(text):
        doc.text.addElement(H(outlinelevel=1, text=text, stylename=h1))

    def bullets(items):
        lst = List()
        for it in items:
            li = ListItem()
            li.addElement(P(text=it))
            lst.addElement(li)
        doc.text.addElement(lst)

    def twocol(rows):
        t = Table(name="Tabell%d" % (id(rows) % 1000))
        t.addElement(TableColumn(stylename=col1))
        t.addElement(TableColumn(stylename=col2))
        for a, b in rows:
            tr = TableRow()
            for txt in (a, b):
                tc = TableCell(stylename=cellst)
                tc.addElement(P(text=txt))
                tr.addElement(tc)
            t.addElement(tr)
        doc.text.addElement(t)

    para("Norrlids kommun · Region Fjällmark", small)
    doc.text.addElement(P(text="Uppdragsbeskrivning", stylename=title))
    para("Barn- och ungdomsgruppen i Norrlid – lokal samverkansgrupp för barn och unga")
    twocol([
        ("Dokumenttyp", "Uppdragsbeskrivning"),
        ("Uppdragsgivare", "Styrgruppen för närvård i Norrlid"),
        ("Kontaktperson", "Ordföranden i Barn- och ungdomsgruppen"),
    ])

    head("1. Bakgrund")
    para("I Norrlid har kommunens och regionens verksamheter för barn och unga sedan 2018 träffats "
         "i ett informellt nätverk. Styrgruppen för närvård har bedömt att nätverket behöver ett tydligt "
         "uppdrag och en fast sammansättning för att samverkan ska bli mindre beroende av enskilda personer.")

    head("2. Syfte")
    para("Gruppens syfte är att stärka samverkan mellan kommunens och regionens verksamheter för barn "
         "och unga, så att fler barn får rätt stöd tidigt.")

    head("3. Målgrupp")
    para("Gruppen arbetar för barn och unga i Norrlid.")

    head("4. Uppdrag")
    para("Barn- och ungdomsgruppen ska")
    bullets([
        "identifiera hinder för samverkan mellan verksamheterna och föreslå lösningar,",
        "vara ett forum för konsultation i ärenden som är svåra att lösa i den ordinarie verksamheten,",
        "sprida kunskap om varandras uppdrag och arbetssätt,",
        "ge råd i frågor om samordnad individuell plan (SIP),",
        "bereda frågor om barn och unga inför styrgruppens möten.",
    ])
    para("Kommunen och regionen har ett gemensamt ansvar för att gruppen kan fullgöra sitt uppdrag.")
    para("Gruppen fattar inga beslut om insatser för enskilda barn.")

    head("5. Sammansättning och mötesformer")
    para("Gruppen består av följande representanter:")
    bullets([
        "enhetschef för barn och familj, socialtjänsten",
        "elevhälsochef, utbildningsförvaltningen",
        "rektor från en av kommunens grundskolor, roterande",
        "verksamhetschef, Hälsocentralen Norrlid",
        "enhetschef, BUP Fjällmark västra",
        "sjuksköterska från barnhälsovården",
    ])
    para("Gruppen sammanträder sex gånger per år, varav ett möte är ett heldagsmöte med "
         "verksamhetsbesök. Mötena hålls växelvis i kommunhuset och på hälsocentralen.")
    para("Ordförandeskapet innehas av kommunens representant, som kallar till mötena och sätter "
         "dagordningen. Regionens representant för minnesanteckningar, som skickas till ledamöterna "
         "inom en vecka efter mötet.")
    para("Enskilda ärenden får bara tas upp i gruppen med vårdnadshavarens samtycke eller i "
         "avidentifierad form.")

    head("6. När parterna inte är överens")
    para("Om verksamheterna inte är överens i en fråga som gäller samverkan och frågan inte kan lösas i "
         "gruppen, för ordföranden frågan vidare till Styrgruppen för närvård i Norrlid. Kan styrgruppen "
         "inte enas avgörs frågan gemensamt av kommundirektören och regionens hälso- och sjukvårdsdirektör.")

    head("7. Rapportering")
    para("Gruppen lämnar en skriftlig årsrapport till styrgruppen senast den 31 januari varje år. "
         "Rapporten redovisar antalet ärenden som har tagits upp, antalet SIP som har upprättats i "
         "kommunen och de hinder för samverkan som gruppen har identifierat.")

    head("8. Resurser")
    para("Varje huvudman står för kostnaden för sina egna representanters arbetstid. Ingen ersättning "
         "utgår mellan huvudmännen.")

    head("9. Beslut och giltighetstid")
    para("Uppdragsbeskrivningen beslutades av Styrgruppen för närvård i Norrlid vid sammanträdet den "
         "15 november 2022 (§ 14).")
    para("Uppdraget gäller från 2023-01-01 till och med 2025-12-31.")

    doc.save(str(DOCS / "sv-06-norrlid-uppdragsbeskrivning.odt"))


if __name__ == "__main__":
    DOCS.mkdir(exist_ok=True)
    build_sv04()
    build_en09()
    build_sv06()
    print("built office documents")
