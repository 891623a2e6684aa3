"""Write the demo documents in examples/: `python examples/make_examples.py`.

The documents are fictional (Region Fjällmark, Tallbacka and Bergviks kommun, Ardvale Council and NHS
Ardvale) and written for this repository. They vary in quality on purpose so that `govcheck scan
examples/` shows met, partial and not_met side by side; see examples/README.md for what each should score.
The binary outputs (.docx, .odt) are committed; rerun this script after editing a text below. Office
files get fixed timestamps so reruns produce the same bytes where the libraries allow it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2025, 10, 21, 9, 0, 0)

# A document is a list of (kind, payload): title, p, h (level 2), li, table (rows of cells).
Doc = list[tuple[str, object]]

# --- 1. Strong agreement (DOCX) --------------------------------------------------------------------------

AGREEMENT_TITLE = (
    "Överenskommelse om samverkan kring barn och unga med psykisk ohälsa mellan Region Fjällmark "
    "och Tallbacka kommun"
)
AGREEMENT: Doc = [
    ("title", AGREEMENT_TITLE),
    ("p", "Diarienummer: RF 2025/0412 (Region Fjällmark), SN 2025/188 (Tallbacka kommun)"),
    (
        "p",
        "Fastställd av hälso- och sjukvårdsnämnden i Region Fjällmark 2025-10-14, § 97, och av "
        "socialnämnden i Tallbacka kommun 2025-10-21, § 58.",
    ),
    ("h", "1. Syfte och mål"),
    (
        "p",
        "Syftet med överenskommelsen är att barn och unga med psykisk ohälsa i Tallbacka ska få ett "
        "samordnat stöd från kommunen och regionen utan att behöva berätta sin historia flera gånger.",
    ),
    (
        "p",
        "Parterna har två mål för avtalsperioden. Minst 80 procent av alla SIP-möten ska hållas inom 30 "
        "dagar från att behovet har uppmärksammats. Senast 2027-12-31 ska varje skola i kommunen ha en "
        "utsedd kontaktperson mot BUP.",
    ),
    ("h", "2. Målgrupp"),
    (
        "p",
        "Överenskommelsen gäller barn och unga 0–20 år som är folkbokförda i Tallbacka kommun och som har "
        "psykisk ohälsa, neuropsykiatriska svårigheter eller missbruksproblem och därför behöver insatser "
        "från både kommunen och regionen.",
    ),
    ("h", "3. Lagstöd"),
    (
        "p",
        "Överenskommelsen utgår från 16 kap. 4 § hälso- och sjukvårdslagen (2017:30) och motsvarande "
        "bestämmelser om samordnad individuell plan i socialtjänstlagen (2025:400). Uppgifter mellan "
        "parterna lämnas enligt offentlighets- och sekretesslagen (2009:400).",
    ),
    ("h", "4. Barnets rättigheter"),
    (
        "p",
        "Barnkonventionen gäller som lag i Sverige genom lagen (2018:1197) om Förenta nationernas "
        "konvention om barnets rättigheter. I alla beslut som rör ett barn ska barnets bästa komma i "
        "främsta rummet. Barnet har rätt att komma till tals: barnet erbjuds att delta i sitt eget "
        "SIP-möte och barnets synpunkter dokumenteras i planen.",
    ),
    ("h", "5. Ansvarsfördelning"),
    (
        "p",
        "Region Fjällmark ansvarar för hälso- och sjukvård till målgruppen genom primärvården, "
        "barnhälsovården, barn- och ungdomspsykiatrin (BUP) och barn- och ungdomshabiliteringen.",
    ),
    (
        "p",
        "Tallbacka kommun ansvarar genom socialnämnden för socialtjänstens insatser och genom barn- och "
        "utbildningsnämnden för elevhälsan och stödet i förskola och skola.",
    ),
    (
        "table",
        [
            ["Uppgift i det gemensamma arbetet", "Ansvarig"],
            ["Kalla till SIP-möte", "Den verksamhet som först uppmärksammar behovet"],
            ["Dokumentera planen i SamPlan", "Sammankallande verksamhet"],
            ["Informera barnet och vårdnadshavarna", "Sammankallande verksamhet"],
            ["Följa upp den enskilda planen", "Den part som utses på mötet"],
        ],
    ),
    ("h", "6. Former för samverkan"),
    (
        "p",
        "Samverkansledningsgruppen består av förvaltningscheferna för socialtjänsten och skolan och "
        "verksamhetscheferna för BUP och primärvården. Gruppen träffas fyra gånger per år och "
        "socialchefen är sammankallande.",
    ),
    (
        "p",
        "Lokala samverkansteam i varje skolområde träffas en gång per månad. Kontakt tas i första hand "
        "via de utsedda kontaktpersonerna, vars namn publiceras på parternas intranät.",
    ),
    ("h", "7. Samordnad individuell plan (SIP)"),
    (
        "p",
        "En SIP ska initieras när ett barn behöver insatser från både kommunen och regionen och "
        "samordning behövs. Den verksamhet som först uppmärksammar behovet kallar till möte inom 14 "
        "dagar efter att samtycke har inhämtats. Samtycke inhämtas från vårdnadshavarna och, när barnet "
        "har uppnått tillräcklig ålder och mognad, från barnet. Planen följs upp vid varje nytt möte och "
        "avslutas när samordningsbehovet har upphört.",
    ),
    ("h", "8. Informationsöverföring"),
    (
        "p",
        "Information mellan parterna överförs med den enskildes eller vårdnadshavarnas samtycke. "
        "Kallelser, planer och anteckningar hanteras i IT-stödet SamPlan. Vid övergången från "
        "barnhälsovården till elevhälsan överförs uppgifter på blanketten Överrapportering BHV–elevhälsa. "
        "Utan samtycke lämnas uppgifter bara när en sekretessbrytande bestämmelse medger det.",
    ),
    ("h", "9. Avvikelser och oenighet"),
    (
        "p",
        "En brist i samverkan rapporteras som avvikelse i respektive huvudmans avvikelsesystem och "
        "skickas till motpartens kontaktperson inom fem arbetsdagar. Avvikelsen hanteras först av "
        "närmaste chefer. Kan den inte lösas där lyfts den till samverkansledningsgruppen och därefter "
        "till den politiska styrgruppen.",
    ),
    ("h", "10. Kostnadsansvar"),
    (
        "p",
        "Varje huvudman bär sina egna kostnader för de insatser den ansvarar för. Kostnader för "
        "gemensamma utbildningsdagar delas lika mellan parterna.",
    ),
    ("h", "11. Uppföljning"),
    (
        "p",
        "Samverkansledningsgruppen följer upp överenskommelsen en gång per år. Uppföljningen mäter antal "
        "upprättade SIP, andel SIP-möten inom 30 dagar och antal avvikelser i samverkan. Resultatet "
        "rapporteras till hälso- och sjukvårdsnämnden och socialnämnden senast den 31 mars varje år.",
    ),
    ("h", "12. Giltighetstid"),
    (
        "p",
        "Överenskommelsen gäller från 2026-01-01 till och med 2028-12-31. Den revideras senast "
        "2028-06-30, eller tidigare om någon av parterna begär det.",
    ),
    (
        "table",
        [
            ["För Region Fjällmark", "För Tallbacka kommun"],
            [
                "Maria Lindqvist, ordförande i hälso- och sjukvårdsnämnden",
                "Per Holm, ordförande i socialnämnden",
            ],
        ],
    ),
]

# --- 2. Weak agreement (ODT) -----------------------------------------------------------------------------

WEAK_TITLE = "Överenskommelse om samverkan kring barn och unga med psykisk ohälsa i Bergvik"
WEAK: Doc = [
    ("title", WEAK_TITLE),
    ("p", "Mellan Region Fjällmark och Bergviks kommun"),
    ("li", "Beslutad av: "),
    ("li", "Datum: 2020-02-03"),
    ("li", "Gäller till och med: 2022-06-30"),
    ("h", "Bakgrund"),
    (
        "p",
        "Allt fler barn och unga i Bergvik mår psykiskt dåligt. Både kommunens och regionens "
        "verksamheter möter dessa barn, och det har ibland varit oklart vem som gör vad. Parterna har "
        "därför tagit fram denna överenskommelse.",
    ),
    (
        "p",
        "Arbetet med överenskommelsen har pågått under hösten 2019 i en arbetsgrupp med representanter "
        "för socialtjänsten, skolan och vårdcentralen. Arbetsgruppen har träffats vid fyra tillfällen.",
    ),
    (
        "p",
        "Medarbetare har beskrivit att de inte vet vem de ska kontakta hos den andra parten, och att "
        "familjer ibland skickas mellan verksamheterna. Föräldrar har framfört att de får upprepa samma "
        "sak för flera personer. Skolan upplever att det tar lång tid innan ett barn får hjälp, och "
        "vårdcentralen upplever att det är svårt att veta vilket stöd skolan kan ge.",
    ),
    ("h", "Parter"),
    (
        "p",
        "Parter är Region Fjällmark och Bergviks kommun. Överenskommelsen omfattar de verksamheter hos "
        "parterna som möter barn och unga, bland annat socialtjänsten, skolan, vårdcentralen och "
        "barn- och ungdomspsykiatrin.",
    ),
    ("h", "Syfte"),
    ("p", "Syftet är att förbättra samverkan mellan parterna till gagn för barn och unga."),
    ("h", "Lagstöd"),
    (
        "p",
        "Överenskommelsen utgår från 5 kap. 1 a § Socialtjänstlag (2001:453) och från Hälso- och "
        "sjukvårdslag (1982:763), som båda ålägger parterna att samverka.",
    ),
    ("h", "Ansvar"),
    (
        "p",
        "Parterna har ett gemensamt ansvar för barn och unga med psykisk ohälsa och ska hjälpas åt så att "
        "ingen faller mellan stolarna.",
    ),
    ("h", "Samverkan"),
    (
        "p",
        "Parterna ska samverka när det behövs. Samordnad individuell plan (SIP) kan användas vid behov. "
        "Information ska utbytas mellan parterna när det är lämpligt.",
    ),
    ("h", "Ekonomi"),
    ("p", "Frågan om hur kostnaderna ska fördelas mellan parterna beslutas senare."),
    ("h", "Övrigt"),
    (
        "p",
        "Överenskommelsen gäller barn och unga i Bergviks kommun. Parterna är överens om att "
        "överenskommelsen ska vara ett levande dokument som alla medarbetare känner till.",
    ),
    ("table", [["Underskrift Region Fjällmark", "Underskrift Bergviks kommun"], ["", ""]]),
]

# --- 3. Middling routine (Markdown) ----------------------------------------------------------------------

ROUTINE_MD = """\
---
dokumenttyp: rutin
version: 2
---

# Rutin för samordnad individuell plan (SIP) i Tallbacka kommun

- **Fastställd:** 2024-05-14
- **Dokumentägare:** verksamhetschef för individ- och familjeomsorgen
- **Revideras senast:** 2025-12-31

## Syfte

Syftet med rutinen är att förbättra samverkan kring barn och unga som behöver insatser från flera
verksamheter, så att de får *rätt stöd i rätt tid*.

## Bakgrund

Barn och unga som har insatser från flera verksamheter möter ofta många olika personal. Utan
samordning riskerar insatserna att gå i otakt, och familjen får själv hålla ihop kontakterna. En
samordnad individuell plan (SIP) gör det tydligt vem som gör vad och när, och ger barnet och
vårdnadshavarna en samlad bild av stödet.

## Målgrupp

Rutinen gäller barn och unga i Tallbacka kommun.

## Begrepp

Med SIP avses en plan som kommunen och regionen upprättar tillsammans med den enskilde när hen
behöver insatser från båda huvudmännen. Med sammankallande avses den verksamhet som har tagit
initiativ till mötet.

## Lagstöd

En SIP ska upprättas enligt socialtjänstlagen och hälso- och sjukvårdslagen när den enskilde behöver
insatser från både kommunen och regionen.

## När ska en SIP upprättas?

En SIP ska initieras när ett barn behöver insatser från både socialtjänsten och regionen och
samordning behövs för att barnet ska få sina behov tillgodosedda. Det gäller även när barnet,
vårdnadshavarna eller en verksamhet begär det.

## Arbetsgång

1. Den som uppmärksammar behovet pratar med barnet och vårdnadshavarna om vad en SIP innebär.
2. Samtycke inhämtas skriftligt på blanketten **Samtycke SIP**.
3. Den som har tagit initiativet kallar berörda verksamheter via [SamPlan](https://samplan.example).
4. På mötet bestäms vem som gör vad och när.
5. Planen följs upp vid ett nytt möte inom tre månader.

## Barnets delaktighet

Barnets bästa ska alltid beaktas, och barnet ska få komma till tals på mötet när det är möjligt.

## Ansvar

Socialtjänsten ansvarar för att delta i SIP när barnet har insatser från socialtjänsten, och för att
bevaka att planen följs upp.

## Avvikelser

Avvikelser hanteras enligt respektive huvudmans rutiner.

## Uppföljning

Rutinen ska följas upp.

## Kontaktvägar

| Verksamhet | Kontaktväg |
|---|---|
| Socialtjänsten, barn och unga | Kommunens växel, vardagar 8–16 |
| Elevhälsan | Rektor på respektive skola |
| BUP Fjällmark | Mottagningens telefontid |
"""

# --- 4. Guideline (HTML), fairly strong; hidden page furniture must not count ------------------------

GUIDELINE_HTML = """\
<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>Riktlinje för elevhälsans samverkan med BUP vid psykisk ohälsa</title>
<style>.cookie { position: fixed; bottom: 0 }</style>
<script>window.analytics = "beslutad av kommunfullmäktige";</script>
</head>
<body>
<nav aria-hidden="true">Start · Skola och förskola · Elevhälsa · Kontakt</nav>
<div class="cookie" style="display:none">Vi använder kakor. Beslutad av: kommunfullmäktige.</div>
<main>
<h1>Riktlinje för elevhälsans samverkan med BUP vid psykisk ohälsa</h1>
<p>Tallbacka kommun och Region Fjällmark</p>
<p>Beslutad av barn- och utbildningsnämnden i Tallbacka kommun 2025-02-11, § 19.
Gäller till och med 2027-06-30.</p>

<h2>Syfte och mål</h2>
<p>Riktlinjen ska göra vägen från elevhälsan till barn- och ungdomspsykiatrin kortare och tydligare.
Målet är att minst 90 procent av de elever som elevhälsan remitterar ska få ett första besök på BUP
inom 30 dagar senast 2026-12-31.</p>

<h2>Bakgrund</h2>
<p>Elevhälsan möter allt fler elever med oro, nedstämdhet och långvarig frånvaro. Många av dem behöver
både anpassningar i skolan och bedömning inom hälso- och sjukvården. Tidigare har remisser kommit
tillbaka för komplettering och eleverna har fått vänta utan att skolan vetat vad som händer.</p>

<h2>Målgrupp</h2>
<p>Riktlinjen gäller elever 6–19 år i kommunens grundskolor och gymnasieskola som visar tecken på
psykisk ohälsa, till exempel långvarig skolfrånvaro, ångest eller nedstämdhet.</p>

<h2>Lagstöd och barnets rättigheter</h2>
<p>Elevhälsans uppdrag följer av 2 kap. 25 § skollagen (2010:800). Samverkan med regionen bygger på
16 kap. 4 § hälso- och sjukvårdslagen (2017:30).</p>
<p>Riktlinjen bygger på barnkonventionen. Elevens rätt att uttrycka sina åsikter (artikel 12) respekteras
genom att eleven alltid tillfrågas om sin egen bild innan en remiss skrivs.</p>

<h2>Ansvar</h2>
<ul>
<li>Tallbacka kommun ansvarar genom elevhälsan för tidiga insatser i skolan, för att bedöma behovet av
remiss och för att anpassa skolsituationen.</li>
<li>Region Fjällmark ansvarar genom BUP för utredning och behandling av elever med måttlig till svår
psykisk ohälsa.</li>
<li>Skolkuratorn ansvarar för att informera eleven och vårdnadshavarna om remissen.</li>
<li>Skolläkaren eller skolsköterskan ansvarar för att skriva remissen.</li>
</ul>

<h2>Så samverkar vi</h2>
<p>Ett konsultationsteam med skolkuratorer, skolsköterskor och en psykolog från BUP träffas varannan
vecka. Elevhälsan når BUP via konsultationstelefonen vardagar 8–10.</p>
<p>Om eleven behöver insatser från både kommunen och regionen kallar elevhälsan till en samordnad
individuell plan (SIP).</p>

<h2>Informationsöverföring</h2>
<p>Remissen skickas via regionens e-remiss efter vårdnadshavarnas skriftliga samtycke. Utan samtycke
lämnas inga uppgifter, utom när sekretessen bryts av anmälningsskyldigheten.</p>

<h2>Avvikelser</h2>
<p>Om samarbetet inte fungerar ska det tas upp i konsultationsteamet.</p>

<h2>Uppföljning</h2>
<p>Elevhälsochefen och verksamhetschefen för BUP följer upp riktlinjen varje läsår och rapporterar antal
remisser och väntetider till barn- och utbildningsnämnden.</p>
</main>
<footer><p>Tallbacka kommun · Box 100 · 999 99 Tallbacka</p></footer>
</body>
</html>
"""

# --- 5. English partnership agreement (plain text), middling --------------------------------------------

PARTNERSHIP_TXT = """\
PARTNERSHIP AGREEMENT ON CHILDREN AND YOUNG PEOPLE'S MENTAL HEALTH

Between Ardvale Council and NHS Ardvale

Approved by the Ardvale Integration Joint Board on 12 March 2025.

1. Purpose

This agreement sets out how Ardvale Council and NHS Ardvale will work together so that children and
young people with mental health difficulties get the right help at the right time. The partners aim
to improve early support in schools and communities.

2. Who the agreement covers

The agreement covers children and young people aged 0 to 18 living in Ardvale, and care leavers up to
the age of 26, who have mental health difficulties and need support from both partners.

3. Legal framework

The partners' duties come from the Children (Scotland) Act 1995, the Children and Young People
(Scotland) Act 2014 and the UNCRC (Incorporation) (Scotland) Act 2024. Personal information is
handled in line with the Data Protection Act 1998.

4. Children's rights

The partners are bound by the UNCRC. The best interests of the child are a primary consideration in
every decision, and each child's views are sought and recorded in their plan.

5. Responsibilities

NHS Ardvale is responsible for Child and Adolescent Mental Health Services (CAMHS), health visiting
and school nursing.

Ardvale Council is responsible for social work services for children and families and for
education, including pupil support and educational psychology.

6. How we work together

The Joint Children's Mental Health Group, chaired by the Chief Social Work Officer, meets quarterly
and includes the CAMHS service manager and the head of inclusion. Practitioners contact each other
through the CAMHS duty line, available on weekdays from 9am to 5pm.

7. Child's Plan

Where a child needs support from more than one agency, a Child's Plan is drawn up. The Lead
Professional convenes the first meeting within 20 working days, records the plan and reviews it at
least every six months with the child and family.

8. Sharing information

Information is shared with the consent of the young person or their parents, using the secure
inter-agency referral form. Where there is a risk of significant harm, information is shared
without consent under child protection procedures.

9. Disagreements

Disagreements between practitioners are first raised with their line managers. If they cannot be
resolved within ten working days they are escalated to the Joint Children's Mental Health Group, and
then to the Chief Officers Group.

10. Funding

Funding of the jointly commissioned early intervention service is to be agreed separately.

11. Review

This agreement will be reviewed.

12. Duration

This agreement runs from 1 April 2025 to 31 March 2028.
"""


def write_docx(path: Path, doc: Doc, header: str, footer: str) -> None:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    d.core_properties.title = next(str(p) for k, p in doc if k == "title")
    d.core_properties.author = "govcheck examples"
    d.core_properties.created = FIXED
    d.core_properties.modified = FIXED
    d.core_properties.last_modified_by = "govcheck examples"
    d.core_properties.revision = 1
    d.styles["Normal"].font.size = Pt(11)
    section = d.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    for kind, payload in doc:
        if kind == "title":
            d.add_paragraph(str(payload), style="Title")
        elif kind == "h":
            d.add_heading(str(payload), level=2)
        elif kind == "li":
            d.add_paragraph(str(payload), style="List Bullet")
        elif kind == "table":
            rows = list(payload)  # type: ignore[call-overload]
            table = d.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            d.add_paragraph(str(payload))
    d.save(str(path))
    _freeze_zip(path)


def write_odt(path: Path, doc: Doc, header: str) -> None:
    from odf import style, table, text
    from odf.opendocument import OpenDocumentText

    odt = OpenDocumentText()
    odt.meta.addElement(_dc_title(next(str(p) for k, p in doc if k == "title")))
    title_style = style.Style(name="Title", family="paragraph")
    title_style.addElement(style.TextProperties(fontsize="20pt", fontweight="bold"))
    h2 = style.Style(name="Heading 2", family="paragraph", defaultoutlinelevel="2")
    h2.addElement(style.TextProperties(fontsize="14pt", fontweight="bold"))
    odt.styles.addElement(title_style)
    odt.styles.addElement(h2)
    layout = style.PageLayout(name="pm1")
    odt.automaticstyles.addElement(layout)
    master = style.MasterPage(name="Standard", pagelayoutname=layout)
    head = style.Header()
    head.addElement(text.P(text=header))
    master.addElement(head)
    odt.masterstyles.addElement(master)

    bullets: text.List | None = None
    for kind, payload in doc:
        if kind != "li":
            bullets = None
        if kind == "title":
            odt.text.addElement(text.P(stylename=title_style, text=str(payload)))
        elif kind == "h":
            odt.text.addElement(text.H(outlinelevel=2, stylename=h2, text=str(payload)))
        elif kind == "li":
            if bullets is None:
                bullets = text.List()
                odt.text.addElement(bullets)
            item = text.ListItem()
            item.addElement(text.P(text=str(payload)))
            bullets.addElement(item)
        elif kind == "table":
            rows = list(payload)  # type: ignore[call-overload]
            t = table.Table(name="Underskrifter")
            t.addElement(table.TableColumn(numbercolumnsrepeated=len(rows[0])))
            for row in rows:
                tr = table.TableRow()
                for cell in row:
                    tc = table.TableCell(valuetype="string")
                    tc.addElement(text.P(text=cell))
                    tr.addElement(tc)
                t.addElement(tr)
            odt.text.addElement(t)
        else:
            odt.text.addElement(text.P(text=str(payload)))
    odt.save(str(path))
    _freeze_zip(path)


def _freeze_zip(path: Path) -> None:
    """Rewrite a zip with fixed member timestamps so regenerating gives the same bytes (clean git diffs)."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)


def _dc_title(value: str):
    from odf.dc import Title

    return Title(text=value)


def main() -> None:
    write_docx(
        HERE / "overenskommelse-fjallmark-tallbacka.docx",
        AGREEMENT,
        header="Region Fjällmark · Tallbacka kommun",
        footer="Överenskommelse barn och unga med psykisk ohälsa · RF 2025/0412",
    )
    write_odt(HERE / "overenskommelse-bergvik.odt", WEAK, header="Region Fjällmark · Bergviks kommun")
    (HERE / "rutin-sip-tallbacka.md").write_text(ROUTINE_MD, encoding="utf-8")
    (HERE / "riktlinje-elevhalsa-bup.html").write_text(GUIDELINE_HTML, encoding="utf-8")
    (HERE / "partnership-agreement-ardvale.txt").write_text(PARTNERSHIP_TXT, encoding="utf-8")
    for path in sorted(HERE.iterdir()):
        if path.suffix in (".docx", ".odt", ".md", ".html", ".txt") and path.name != "README.md":
            print(path.name)


if __name__ == "__main__":
    main()
