"""Text repair: what a reader sees, whatever the backend did to line ends, ligatures and bullets."""

from govcheck.model import Block
from govcheck.normalize import assign_headings, clean_text, normalise_blocks


def test_line_end_hyphen_joins_a_broken_word() -> None:
    assert clean_text("arbetet ska vara ända-\nmålsenligt") == "arbetet ska vara ändamålsenligt"


def test_pdfium_hyphen_marker_joins_too() -> None:
    assert clean_text("kom\ufffemun") == "kommun"


def test_real_coordination_hyphens_are_kept() -> None:
    assert clean_text("hälso-\noch sjukvård") == "hälso- och sjukvård"
    assert clean_text("barn- och ungdoms-\npsykiatri") == "barn- och ungdomspsykiatri"
    assert clean_text("enligt offentlighets-\noch sekretesslagen") == "enligt offentlighets- och sekretesslagen"
    assert clean_text("barn-\neller ungdomspsykiatrin") == "barn- eller ungdomspsykiatrin"


def test_samt_after_a_sam_stem_is_the_adjective_broken_at_the_line_end() -> None:
    # pdfium marks real and typeset hyphens alike (U+FFFE): "gemen-samt" can only be "gemensamt"
    assert clean_text("har ett gemen\ufffesamt ansvar") == "har ett gemensamt ansvar"
    assert clean_text("barn-\nsamt ungdomspsykiatrin") == "barn- samt ungdomspsykiatrin"
    assert clean_text("hälso-\nsamt sjukvården") == "hälso- samt sjukvården"


def test_acronym_compounds_keep_their_hyphen() -> None:
    assert clean_text("BUP-\nmottagningen") == "BUP-mottagningen"


def test_ligatures_bullets_soft_hyphens_and_whitespace() -> None:
    assert clean_text("\uf0b7 e\ufb03cient  \r\n work") == "efficient work"
    assert clean_text("sam\u00adverkan") == "samverkan"


def test_running_header_and_footer_are_kept_once_and_marked() -> None:
    blocks = []
    for page in (1, 2, 3):
        blocks += [
            Block("Region Västerdal · Överenskommelse", page=page),
            Block(["Parterna samverkar.", "Regionen ansvarar för BUP.", "Kommunen kallar."][page - 1], page=page),
            Block(f"Sida {page} av 3", page=page),
        ]
    out = normalise_blocks(blocks)
    texts = [b.text for b in out]
    assert texts.count("Region Västerdal · Överenskommelse") == 1
    assert [b.kind for b in out if b.text.startswith("Sida")] == ["footer"]
    assert sum(1 for b in out if b.kind == "paragraph") == 3


def test_a_single_page_document_has_no_furniture() -> None:
    out = normalise_blocks([Block("Rubrik", page=1), Block("Text.", page=1)])
    assert [b.kind for b in out] == ["paragraph", "paragraph"]


def test_heading_paths_follow_levels_under_the_title() -> None:
    blocks = [
        Block("Rutin", kind="title"),
        Block("1. Syfte", kind="heading", level=1),
        Block("Text a"),
        Block("1.1 Mål", kind="heading", level=2),
        Block("Text b"),
        Block("2. Ansvar", kind="heading", level=1),
        Block("Text c"),
    ]
    assign_headings(blocks)
    assert blocks[2].headings == ("Rutin", "1. Syfte")
    assert blocks[4].section == "1.1 Mål"
    assert blocks[6].headings == ("Rutin", "2. Ansvar")


def test_numbered_lines_that_go_on_with_the_section_numbers_are_headings() -> None:
    # "8. Monitoring and reporting" set like the list before it is the next section's heading, and empty
    blocks = normalise_blocks([
        Block("7. Actions", kind="heading", level=1),
        Block("1. Train staff", kind="list-item"),
        Block("2. Review the policy", kind="list-item"),
        Block("8. Monitoring and reporting", kind="list-item"),
        Block("9. Approval", kind="list-item"),
        Block("This plan was approved by the Governance Group on 24 February 2026.", kind="paragraph"),
    ])
    assert [b.kind for b in blocks] == ["heading", "list-item", "list-item", "heading", "heading", "paragraph"]
    assert blocks[5].headings == ("9. Approval",)
    # a list counting from 1 under a heading stays a list, and a numbered sentence is no heading
    blocks = normalise_blocks([
        Block("2. Roles", kind="heading", level=1),
        Block("1. The school calls the meeting.", kind="list-item"),
        Block("3. The clinic assesses the child and writes to the school.", kind="list-item"),
    ])
    assert [b.kind for b in blocks] == ["heading", "list-item", "list-item"]


def test_a_run_in_label_over_a_list_heads_that_list_only() -> None:
    # a bold "**Aims.**" alone in its paragraph over the list of aims: the items sit under it as under a heading, and
    # the paragraph after the list is back in the section it was in
    blocks = normalise_blocks([
        Block("Terms of reference", kind="heading", level=2),
        Block("Aims.", kind="paragraph"),
        Block("By the end of March 2027, agree a written approach with each shop.", kind="list-item"),
        Block("Replace the sign with a bilingual sign.", kind="list-item"),
        Block("Rights. The group works in line with the UNCRC.", kind="paragraph"),
    ])
    assert [b.kind for b in blocks] == ["heading", "heading", "list-item", "list-item", "paragraph"]
    assert blocks[2].headings == blocks[3].headings == ("Terms of reference", "Aims.")
    assert blocks[4].headings == ("Terms of reference",)
    # a label with a colon stays a lead-in read with each item ("Regionen ansvarar för:"), and a sentence of more words
    # over a list is no label
    blocks = normalise_blocks([
        Block("Roles", kind="heading", level=2),
        Block("Regionen ansvarar för:", kind="paragraph"),
        Block("hälsobesök", kind="list-item"),
        Block("The steps are set out below in order.", kind="paragraph"),
        Block("Call the school.", kind="list-item"),
    ])
    assert [b.kind for b in blocks] == ["heading", "paragraph", "list-item", "paragraph", "list-item"]
