"""Labels for holdout6, written by hand; dumped to ../expected.yaml by make_expected.py.

Each cell: rule id -> (outcome, [evidence, ...]).
"""

RULES = [
    "responsibility-principals",
    "responsibility-joint-work",
    "child-rights-convention",
    "collaboration-procedure",
    "decision-body",
    "follow-up",
    "target-group",
    "goals",
    "deviation-handling",
    "coordinated-plan",
    "information-transfer",
    "validity",
    "cost-sharing",
    "legal-basis",
    "repealed-law",
]

NA = ("not_applicable", [])
NM = ("not_met", [])

DOCS = [
    {
        "file": "docs/sv-01-ljungsjo-samverkansrutin.docx",
        "source": "src/build_office.py",
        "lang": "sv",
        "doc_type": "routine",
        "expected": {
            "responsibility-principals": ("partial", [
                "Individ- och familjeomsorgen (IFO) ansvarar för utredning och insatser till barn och familjer enligt socialtjänstlagen (2025:400).",
                "Barn- och utbildningsförvaltningen ansvarar för elevhälsan och för att skolan anpassar undervisningen efter elevens behov enligt skollagen (2010:800).",
            ]),
            "responsibility-joint-work": ("partial", [
                "Det är IFO:s mottagningshandläggare som bokar det första gemensamma mötet med elevhälsan.",
                "Övriga uppgifter, såsom dokumentation och återkoppling till familjen, framgår av processbeskrivningen.",
            ]),
            "child-rights-convention": NM,
            "collaboration-procedure": ("partial", [
                "Samarbetet följer Processbeskrivning Tidig samordning (dnr SN 2024/118).",
                "Den här rutinen upprepar inte stegen i processbeskrivningen.",
            ]),
            "decision-body": ("met", [
                "Rutinen beslutades av socialnämndens arbetsutskott den 18 februari 2025, § 14, efter samråd med barn- och utbildningsförvaltningen.",
            ]),
            "follow-up": ("partial", [
                "IFO:s enhetschef för barn och unga ansvarar för att rutinen följs upp.",
            ]),
            "target-group": ("met", [
                "Rutinen gäller elever i förskoleklass till och med gymnasiet, i praktiken 6–19 år, när skolan eller socialtjänsten ser tecken på psykisk ohälsa, långvarig skolfrånvaro eller oro i hemmet.",
            ]),
            "goals": ("partial", [
                "Syftet är att familjer ska få stöd tidigare och slippa berätta samma sak för flera verksamheter.",
            ]),
            "deviation-handling": ("partial", [
                "Avvikelser hanteras enligt respektive förvaltnings egen avvikelserutin.",
            ]),
            "coordinated-plan": ("partial", [
                "Om även regionens verksamheter behöver involveras kan en samordnad individuell plan (SIP) bli aktuell.",
            ]),
            "information-transfer": ("met", [
                "Innan IFO och elevhälsan talar med varandra om ett enskilt barn fyller vårdnadshavarna i blanketten Samtycke till informationsutbyte.",
                "Blanketten skannas in i elevhälsans journalsystem och i socialtjänstens akt, och samtycket gäller i ett år om det inte återkallas.",
            ]),
            "validity": ("met", [
                "Rutinen gäller till och med 2027-06-30 och ses över dessförinnan.",
            ]),
            "cost-sharing": NA,
            "legal-basis": ("met", [
                "Utan samtycke gäller sekretess enligt 26 kap. 1 § offentlighets- och sekretesslagen (2009:400) för uppgifter hos socialtjänsten.",
                "Individ- och familjeomsorgen (IFO) ansvarar för utredning och insatser till barn och familjer enligt socialtjänstlagen (2025:400).",
            ]),
            "repealed-law": ("met", [
                "Individ- och familjeomsorgen (IFO) ansvarar för utredning och insatser till barn och familjer enligt socialtjänstlagen (2025:400).",
            ]),
        },
    },
    {
        "file": "docs/sv-02-norrlinn-overenskommelse.pdf",
        "source": "src/sv-02-norrlinn-overenskommelse.html",
        "lang": "sv",
        "doc_type": "agreement",
        "expected": {
            "responsibility-principals": ("met", [
                "Regionen har ansvar för barn- och ungdomspsykiatrisk specialistvård (BUP), barnhälsovård, första linjens vård på vårdcentral och ungdomsmottagning samt barn- och ungdomshabilitering.",
                "Varje kommun har ansvar för socialtjänstens stöd och skydd till barn och familjer, för elevhälsan i de egna skolorna och för det förebyggande arbetet på familjecentralerna.",
            ]),
            "responsibility-joint-work": ("met", [
                "Sammankallande till SIP är den part som vid tillfället har mest kontakt med barnet.",
                "Den parten skickar kallelsen, leder mötet och skriver planen.",
            ]),
            "child-rights-convention": ("met", [
                "Parterna tillämpar FN:s konvention om barnets rättigheter, som sedan 2020 gäller i Sverige som lag (2018:1197).",
                "Barnet eller den unge ska få säga sin mening om de insatser som planeras, och hens synpunkter antecknas i planen med hänsyn tagen till ålder och mognad.",
            ]),
            "collaboration-procedure": ("met", [
                "I varje kommun finns ett närområdesteam där BUP-mottagningen, vårdcentralen, socialtjänstens barn- och ungdomsenhet och elevhälsan möts en gång i månaden.",
                "Om behovet rör den andra huvudmannen tas kontakt med dess kontaktperson samma vecka.",
            ]),
            "decision-body": ("met", [
                "Överenskommelsen har godkänts av regionstyrelsen i Region Norrlinn den 3 juni 2025, § 112, och av socialnämnden eller motsvarande nämnd i var och en av de sex kommunerna under juni 2025.",
            ]),
            "follow-up": ("met", [
                "Länsgruppen följer upp överenskommelsen varje år under september och oktober.",
                "Uppföljningen omfattar antal genomförda SIP per kommun, andelen SIP där barnet deltagit, väntetiden till BUP och antalet rapporterade avvikelser i samverkan.",
            ]),
            "target-group": ("met", [
                "Överenskommelsen gäller barn och unga i åldern 0–20 år som har, eller löper risk att utveckla, psykisk ohälsa eller neuropsykiatriska svårigheter och som behöver insatser från båda huvudmännen.",
            ]),
            "goals": ("met", [
                "Medianväntetiden från remiss till första bedömning på BUP ska vara högst 21 dagar vid utgången av 2027.",
                "I minst sju av tio SIP-möten som hålls under 2027 ska barnet eller den unge själv ha deltagit i någon del av mötet.",
            ]),
            "deviation-handling": ("met", [
                "En avvikelse i samverkan, till exempel att en kallelse till SIP inte besvaras eller att ett överenskommet åtagande inte fullgörs, rapporteras av den medarbetare som upptäcker den till sin närmaste chef, som inom två veckor kontaktar motsvarande chef hos den andra parten.",
                "Kan cheferna inte lösa frågan går den vidare till närområdesteamets ledning, därefter till länsgruppen och i sista hand till det politiska samrådet Norrlinn Vård och Omsorg.",
            ]),
            "coordinated-plan": ("met", [
                "SIP ska erbjudas när ett barn behöver insatser från både regionen och kommunen och insatserna behöver samordnas för att barnets behov ska bli tillgodosedda.",
                "Innan kallelsen skickas inhämtar den sammankallande parten samtycke från vårdnadshavarna och, när barnet har nått tillräcklig ålder och mognad, från barnet självt.",
            ]),
            "information-transfer": ("met", [
                "Kallelse, plan och uppföljning av SIP hanteras i den länsgemensamma e-tjänsten Planera tillsammans, som både regionens och kommunernas verksamheter har tillgång till.",
                "Samtycket inhämtas skriftligt av den sammankallande parten och sparas i e-tjänsten tillsammans med planen.",
            ]),
            "validity": ("met", [
                "Överenskommelsen gäller från 2025-09-01 till och med 2028-08-31.",
            ]),
            "cost-sharing": ("partial", [
                "Hur kostnader för gemensamma satsningar, till exempel utbildningsdagar och samverkanskoordinatorer, ska fördelas mellan parterna regleras inte i denna överenskommelse.",
                "Frågan tas upp i den årliga budgetdialogen mellan regionen och kommunerna.",
            ]),
            "legal-basis": ("met", [
                "Regionen och kommunerna är enligt 16 kap. 2 och 3 §§ hälso- och sjukvårdslagen (2017:30) och motsvarande bestämmelser i socialtjänstlagen (2025:400) skyldiga att ingå överenskommelser om samarbete.",
                "Hälso- och sjukvårdslag (2017:30), 16 kap. 2–4 §§",
            ]),
            "repealed-law": ("met", [
                "Regionen och kommunerna är enligt 16 kap. 2 och 3 §§ hälso- och sjukvårdslagen (2017:30) och motsvarande bestämmelser i socialtjänstlagen (2025:400) skyldiga att ingå överenskommelser om samarbete.",
            ]),
        },
    },
    {
        "file": "docs/sv-03-vallby-riktlinje-elevhalsa-bup.pdf",
        "source": "src/sv-03-vallby-riktlinje-elevhalsa-bup.html",
        "lang": "sv",
        "doc_type": "guideline",
        "expected": {
            "responsibility-principals": ("met", [
                "Kommunens elevhälsa ansvarar för det förebyggande och hälsofrämjande arbetet i skolan, för den första bedömningen av hur eleven mår och för stödsamtal hos skolkurator.",
                "Regionens BUP ansvarar för specialiserad utredning, diagnostik och behandling samt för att besvara remisser från elevhälsan.",
            ]),
            "responsibility-joint-work": ("met", [
                "Skolsköterskan informerar eleven och vårdnadshavarna om att remissen skickas och om vad som händer sedan.",
                "Skolsköterskan följer upp eleven två veckor efter det första besöket på BUP och antecknar uppföljningen i elevhälsojournalen.",
            ]),
            "child-rights-convention": ("partial", [
                "Barnets bästa ska vara vägledande när elevhälsan väljer mellan stöd i skolan och remiss till BUP.",
            ]),
            "collaboration-procedure": ("met", [
                "Elevhälsoteamets psykolog och kurator träffar BUP:s konsultationsteam den första tisdagen i varje månad kl. 13–15 i BUP Vallbys lokaler.",
                "Steg 3. Om BUP anser att remiss behövs skriver skolläkaren eller skolpsykologen remissen.",
            ]),
            "decision-body": ("partial", [
                "Dokumentansvarig: verksamhetschef för centrala elevhälsan.",
            ]),
            "follow-up": NM,
            "target-group": ("partial", [
                "Riktlinjen gäller barn och ungdomar i Vallby kommuns skolor.",
            ]),
            "goals": NM,
            "deviation-handling": ("met", [
                "Den som upptäcker det skriver en avvikelse i kommunens avvikelsesystem KIA.",
                "Verksamhetschefen för centrala elevhälsan tar upp avvikelserna med BUP:s enhetschef vid nästa konsultationsmöte och vid behov med förvaltningsledningen.",
            ]),
            "coordinated-plan": NM,
            "information-transfer": ("met", [
                "Remissen skickas till BUP via kommunens krypterade e-post först när vårdnadshavarna har gett sitt skriftliga samtycke på blanketten Samtycke elevhälsa–BUP.",
            ]),
            "validity": ("partial", [
                "Giltig till och med 2025-12-31.",
            ]),
            "cost-sharing": NA,
            "legal-basis": ("met", [
                "Elevhälsans uppdrag framgår av 2 kap. 25 § skollagen (2010:800).",
            ]),
            "repealed-law": ("not_met", [
                "Elevhälsans medicinska insats är hälso- och sjukvård enligt hälso- och sjukvårdslagen (1982:763).",
            ]),
        },
    },
    {
        "file": "docs/sv-04-sydmark-handlingsplan-bildspel.pdf",
        "source": "src/sv-04-sydmark-handlingsplan-bildspel.html",
        "lang": "sv",
        "doc_type": "action-plan",
        "expected": {
            "responsibility-principals": ("partial", [
                "Region och kommuner har ett gemensamt ansvar för att planens aktiviteter genomförs",
            ]),
            "responsibility-joint-work": NM,
            "child-rights-convention": ("partial", [
                "Barnkonventionen är utgångspunkt för planen",
            ]),
            "collaboration-procedure": ("partial", [
                "Hur samverkan går till i det dagliga arbetet beskrivs i Samverkansrutin barn och unga, Sydmark",
            ]),
            "decision-body": ("met", [
                "Beslutad i Politiskt samråd Sydmark 2026-01-29",
            ]),
            "follow-up": ("met", [
                "Styrgruppen för närvårdssamverkan följer upp planen i maj och november varje år",
                "Indikatorer: väntetid till första samtal, antal SIP per 1 000 barn och andel elever med hög frånvaro",
            ]),
            "target-group": ("met", [
                "Barn och unga 0–19 år med lätt till medelsvår psykisk ohälsa eller tidiga tecken på sådan, samt deras familjer",
            ]),
            "goals": ("met", [
                "85 procent av barnen får ett första samtal på Första linjen inom 14 dagar",
                "Andelen elever i årskurs 7–9 med mer än 20 procent frånvaro minskar till under 8 procent",
            ]),
            "deviation-handling": NM,
            "coordinated-plan": ("partial", [
                "Indikatorer: väntetid till första samtal, antal SIP per 1 000 barn och andel elever med hög frånvaro",
            ]),
            "information-transfer": ("partial", [
                "Bättre överlämningar: information om barnets behov ska följa med när barnet byter verksamhet",
                "Ta fram en gemensam rutin för överlämning från barnhälsovården till förskola och elevhälsa",
            ]),
            "validity": ("met", [
                "Planen gäller 1 januari 2026 – 31 december 2027",
            ]),
            "cost-sharing": NA,
            "legal-basis": ("partial", [
                "Planen vilar på hälso- och sjukvårdslagen, socialtjänstlagen och skollagen",
            ]),
            "repealed-law": ("met", []),
        },
    },
    {
        "file": "docs/en-05-lochardie-joint-strategy.pdf",
        "source": "src/en-05-lochardie-joint-strategy.html",
        "lang": "en",
        "doc_type": "policy",
        "expected": {
            "responsibility-principals": ("met", [
                "NHS Lochardie holds responsibility for specialist CAMHS, paediatric psychology and the primary care mental health workers attached to GP practices.",
                "Lochardie Council answers for school counselling, educational psychology, children's social work, the youth work service and the support for learning provided in every school.",
            ]),
            "responsibility-joint-work": ("partial", [
                "Where more than one agency is involved with a child, a Lead Professional is agreed who coordinates the help around the child.",
                "The detail of the role is set out in the Lochardie GIRFEC practice guidance and is not repeated here.",
            ]),
            "child-rights-convention": ("met", [
                "Since the UNCRC (Incorporation) (Scotland) Act 2024 came into force, public authorities in Scotland must act compatibly with the rights in the United Nations Convention on the Rights of the Child.",
                "In practice we will ask children and young people for their views whenever their support is being planned, and we will write those views into the Child's Plan in their own words wherever they want us to.",
            ]),
            "collaboration-procedure": ("met", [
                "It meets every quarter and is chaired in alternate years by the Board and the Council.",
                "In each of our three localities, a locality wellbeing team of school counsellors, primary care mental health workers, CAMHS practitioners and social workers meets fortnightly to discuss new requests for help and agree who will respond.",
            ]),
            "decision-body": ("met", [
                "This strategy was approved by the Lochardie Integration Joint Board on 18 March 2025 and endorsed by the Council's Education and Children's Services Committee on 25 March 2025.",
            ]),
            "follow-up": ("met", [
                "The Joint Planning Group will report progress each June to the Integration Joint Board and to the Council's Education and Children's Services Committee, using the indicators below.",
            ]),
            "target-group": ("met", [
                "This strategy is for children and young people aged 0 to 18 who live in Lochardie or attend a Lochardie school, and for care-experienced young people up to their 26th birthday, whose mental health or emotional wellbeing is affecting their daily life.",
            ]),
            "goals": ("partial", [
                "Our aim is that children, young people and families in Lochardie get the right help, from the right people, at the right time, without being passed between services.",
            ]),
            "deviation-handling": ("partial", [
                "Where services disagree about who should respond to a child, we expect them to resolve it quickly and locally, keeping the child's needs at the centre.",
            ]),
            "coordinated-plan": ("met", [
                "A Child's Plan is opened when a child's wellbeing needs call for targeted support from two or more agencies, and it is reviewed at least every six months until the child no longer needs multi-agency support, when it is closed.",
            ]),
            "information-transfer": ("partial", [
                "Partners will share information about children where this is needed to support them.",
                "Information is shared in line with the Data Protection Act 2018 and the UK General Data Protection Regulation.",
            ]),
            "validity": ("met", [
                "It covers the period April 2025 to March 2028, and a successor strategy will be prepared during its final year.",
            ]),
            "cost-sharing": NA,
            "legal-basis": ("met", [
                "Section 8 of the Children and Young People (Scotland) Act 2014 requires the local authority and the health board to prepare a children's services plan together.",
            ]),
            "repealed-law": ("met", [
                "Section 8 of the Children and Young People (Scotland) Act 2014 requires the local authority and the health board to prepare a children's services plan together.",
            ]),
        },
    },
    {
        "file": "docs/en-06-carrowmore-steering-group-terms-of-reference.odt",
        "source": "src/build_office.py",
        "lang": "en",
        "doc_type": "mandate",
        "expected": {
            "responsibility-principals": ("partial", [
                "Members share collective responsibility for the work of the Group.",
            ]),
            "responsibility-joint-work": ("met", [
                "The Chair, elected by members for two years, convenes meetings and agrees the agenda with the Coordinator.",
                "The CYPSC Coordinator provides the secretariat, circulates papers at least five working days before each meeting and keeps the minutes and the action log.",
            ]),
            "child-rights-convention": ("partial", [
                "The Group's work is guided by the UN Convention on the Rights of the Child and by the national policy framework for children and young people.",
            ]),
            "collaboration-procedure": ("met", [
                "The Group meets six times a year, normally on the second Wednesday of alternate months, in person or online.",
                "Agenda items are sent to the Coordinator by email no later than ten working days before the meeting.",
            ]),
            "decision-body": ("partial", [
                "Version 2.0 – agreed 14 January 2025",
            ]),
            "follow-up": ("met", [
                "Each December the Group assesses how well it has worked, using attendance, the share of actions completed and feedback from member agencies, and reports the result to the CYPSC.",
            ]),
            "target-group": ("partial", [
                "The Group is concerned with children and young people in County Carrowmore.",
            ]),
            "goals": ("partial", [
                "The purpose of the Group is to improve how services for children and young people's mental health in the county work together, and to give the CYPSC a clear view of gaps in provision.",
            ]),
            "deviation-handling": ("met", [
                "Where a member agency considers that an agreed action has not been carried out, it records the matter in the issues log held by the Coordinator.",
                "Issues that remain unresolved after two meetings are escalated to the CYPSC Chair and, if necessary, to the HSE Head of Service for Mental Health and the Council's Director of Services.",
            ]),
            "coordinated-plan": NM,
            "information-transfer": NM,
            "validity": ("partial", [
                "Version 2.0 – agreed 14 January 2025",
            ]),
            "cost-sharing": NA,
            "legal-basis": NM,
            "repealed-law": ("met", []),
        },
    },
    {
        "file": "docs/en-07-fjellvik-cooperation-agreement.pdf",
        "source": "src/en-07-fjellvik-cooperation-agreement.html",
        "lang": "en",
        "doc_type": "agreement",
        "expected": {
            "responsibility-principals": ("met", [
                "The Municipality is responsible for the health station and school health service, the municipal psychologist service, the child welfare service and the Educational-Psychological Service (PPT).",
                "The Health Trust is responsible for assessment and treatment in the specialist health service, including the Child and Adolescent Psychiatric Outpatient Clinic (BUP) and the outpatient clinic for substance use treatment.",
            ]),
            "responsibility-joint-work": ("met", [
                "The service that has the main contact with the child calls a cooperation meeting with the relevant services of both parties.",
                "The Municipality appoints a coordinator for children who need an individual plan, cf. section 7-2 of the Health and Care Services Act.",
            ]),
            "child-rights-convention": ("met", [
                "The UN Convention on the Rights of the Child has been incorporated into Norwegian law through the Human Rights Act of 21 May 1999 No. 30 and takes precedence over other legislation in the event of conflict.",
                "Children shall be given the opportunity to express their views in all matters under this agreement that concern them, and their views shall be given weight in accordance with their age and maturity.",
            ]),
            "collaboration-procedure": ("met", [
                "The committee consists of two representatives from each party and meets at least twice a year.",
                "Requests between the services shall be made via electronic message in the Norwegian Health Network.",
            ]),
            "decision-body": ("met", [
                "The agreement was approved by the Municipal Council of Fjellvik on 12 June 2024 (case 45/24) and by the Board of Helse Nordvest HF on 20 June 2024 (case 38-2024).",
            ]),
            "follow-up": ("met", [
                "The cooperation committee shall evaluate how the agreement works each autumn, using the number of individual plans established, the number of cooperation meetings held and the deviations reported under § 10.",
            ]),
            "target-group": ("met", [
                "The agreement covers children and young people aged 0–18 years with mental health problems and/or substance use problems who need services from both the Municipality and the Health Trust at the same time.",
            ]),
            "goals": ("partial", [
                "The purpose of the agreement is to ensure that children and young people receive coherent and well-coordinated services, and that the parties make good use of each other's competence.",
            ]),
            "deviation-handling": ("met", [
                "Deviations from this agreement shall be reported in the deviation system of the party that discovers them and sent to the other party's contact point in Annex 1 within one week.",
                "If the committee cannot agree, either party may bring the dispute before the national dispute resolution board for cooperation agreements.",
            ]),
            "coordinated-plan": ("met", [
                "An individual plan shall be offered when a child needs long-term and coordinated services from both parties.",
                "The plan is only prepared with the consent of the child or, for children under 16 years of age, the parents.",
            ]),
            "information-transfer": ("met", [
                "Information about individual children is exchanged through electronic messages in the Norwegian Health Network, and only with the consent of the child or the parents unless the law provides otherwise.",
            ]),
            "validity": ("partial", [
                "The parties shall review the agreement jointly no later than 30 June 2026.",
            ]),
            "cost-sharing": ("met", [
                "No payment passes between the parties for services provided under this agreement; each party funds the staff and services it contributes.",
            ]),
            "legal-basis": ("met", [
                "The agreement is entered into pursuant to section 6-1 of the Act of 24 June 2011 No. 30 relating to municipal health and care services (the Health and Care Services Act) and section 2-1e of the Act of 2 July 1999 No. 61 relating to specialist health services (the Specialist Health Services Act).",
            ]),
            "repealed-law": ("met", [
                "The agreement is entered into pursuant to section 6-1 of the Act of 24 June 2011 No. 30 relating to municipal health and care services (the Health and Care Services Act) and section 2-1e of the Act of 2 July 1999 No. 61 relating to specialist health services (the Specialist Health Services Act).",
            ]),
        },
    },
    {
        "file": "docs/en-08-eastholm-school-nursing-camhs-pathway.html",
        "source": "docs/en-08-eastholm-school-nursing-camhs-pathway.html",
        "lang": "en",
        "doc_type": "routine",
        "expected": {
            "responsibility-principals": ("met", [
                "The school nursing team is part of Eastholm Borough Council's 0–19 Public Health Nursing Service and is responsible for the first health assessment in school and for ongoing support while the young person waits.",
                "Northmoor NHS Foundation Trust is responsible for CAMHS triage, specialist assessment and treatment.",
            ]),
            "responsibility-joint-work": ("met", [
                "The school nurse tells the young person and, where appropriate, their parent or carer that a referral is being made and what will happen next.",
                "The CAMHS duty clinician arranges a professionals' meeting with the school nurse and the pastoral lead when the young person's needs are complex.",
            ]),
            "child-rights-convention": ("partial", [
                "The young person's wishes and feelings about the referral are recorded on the form in their own words.",
            ]),
            "collaboration-procedure": ("met", [
                "If the screen indicates that specialist support may be needed, the school nurse phones the CAMHS duty line (weekdays 9:00–17:00) to discuss the young person.",
                "CAMHS triages the referral at its daily triage meeting.",
            ]),
            "decision-body": NM,
            "follow-up": ("partial", [
                "This pathway will be audited by the 0–19 service.",
            ]),
            "target-group": ("met", [
                "This pathway applies to pupils aged 11–16 in Eastholm secondary schools who come to the school nurse with low mood, anxiety or self-harm and who may need specialist mental health support.",
            ]),
            "goals": ("met", [
                "Our aim is that every young person referred through this pathway, and the school nurse who referred them, hear the outcome of CAMHS triage within 10 working days of the referral being received.",
            ]),
            "deviation-handling": NM,
            "coordinated-plan": ("partial", [
                "Where the young person has an Education, Health and Care plan, the school nurse should mention this on the referral form.",
            ]),
            "information-transfer": ("met", [
                "The Pathway Referral Form is sent to CAMHS by secure email from an nhs.net account, after consent has been given by the young person if they are judged competent to give it, or otherwise by a parent or carer.",
            ]),
            "validity": NM,
            "cost-sharing": NA,
            "legal-basis": ("met", [
                "All staff using this pathway must also follow their safeguarding duties under section 11 of the Children Act 2004.",
            ]),
            "repealed-law": ("not_met", [
                "Information is shared in accordance with the Data Protection Act 1998 and the school's confidentiality policy.",
            ]),
        },
    },
]
