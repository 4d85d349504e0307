"""The content/ importer: upsert by slug through the services (audit rows, revisions), never
touching an existing story's workflow state; idempotent, all-or-nothing, with a dry run;
export round-trips under generated file names that stay inside the export folder."""

from __future__ import annotations

import filecmp
import hashlib
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest

from showcase import content_io
from showcase.dates import from_local
from showcase.extensions import db
from showcase.media import images
from showcase.models import (
    AuditLog,
    Commendation,
    Consultation,
    ConsultationStatus,
    Exemplar,
    Gender,
    Locality,
    Revision,
    Sector,
    Story,
    StoryStatus,
    WorkRole,
)
from showcase.services import consultations, records, revisions, workflow
from tests.support import empty_database, image_bytes, snapshot

FILES = {
    "site.yaml": "sample_data: true\n",
    "fields.yaml": """
        - slug: giao-duc
          name: Giáo dục – Đào tạo
          description: Dạy và học.
        - slug: y-te
          name: Y tế
        """,
    "movements.yaml": """
        - slug: nong-thon-moi
          name: Cả nước chung sức xây dựng nông thôn mới
          launched_by: Thủ tướng Chính phủ
          start_year: 2011
        - slug: phong-chong-covid-19
          name: Phòng, chống Covid-19
          launched_by: Thủ tướng Chính phủ
          start_year: 2020
          end_year: 2022
        """,
    "localities.yaml": """
        - slug: hai-phong
          name: Hải Phòng
          kind: city
        - slug: quan-do-son
          name: Đồ Sơn
          kind: district
          parent: hai-phong
          replaced_by: phuong-do-son
        - slug: phuong-do-son
          name: Đồ Sơn
          kind: ward
          parent: hai-phong
        """,
    "commendations.yaml": """
        - exemplar: nguyen-thi-hoa
          form: Bằng khen của Chủ tịch UBND thành phố
          level: city
          issuer: Chủ tịch UBND thành phố Hải Phòng
          decision_no: 1234/QĐ-UBND
          decision_date: 2023-05-19
          reason: Thành tích xuất sắc.
          movement: nong-thon-moi
        - exemplar: nguyen-thi-hoa
          form: Giấy khen
          level: local
          issuer: Chủ tịch UBND phường Đồ Sơn
          decision_no: 77/QĐ-UBND
          decision_date: 2022-01-03
          revoked:
            decision_no: 99/QĐ-UBND
            date: 2022-06-01
            reason: Trùng thành tích.
        """,
    "exemplars/nguyen-thi-hoa.md": """
        ---
        name: Nguyễn Thị Hoa
        kind: individual
        locality: phuong-do-son
        role: Tổ trưởng tổ dân phố
        portrait: hoa.jpg
        gender: female
        work_role: direct
        sector: non_state
        consent:
          date: 2024-03-02
          method: written
          by: Phóng viên Báo Hải Phòng
        ---
        Bà Hoa **sinh năm 1960**.
        """,
    "stories/nguoi-giu-lua.md": """
        ---
        title: Người giữ lửa ở Đồ Sơn
        summary: Tóm tắt ngắn.
        exemplars: [nguyen-thi-hoa]
        movements: [nong-thon-moi, phong-chong-covid-19]
        field: y-te
        locality: quan-do-son
        published_at: 2024-03-18
        featured: true
        byline: Báo Hải Phòng
        broadcast_summary: Bản tin sáu mươi giây.
        cover: bia.jpg
        cover_alt: Bà Hoa đứng trước nhà văn hóa
        cover_credit: "Ảnh: Ban TĐ-KT"
        ---
        Đoạn một.

        ## Mục hai

        Đoạn hai.
        """,
    "stories/ban-nhap.md": """
        ---
        title: Bản nháp
        summary: Chưa đăng.
        exemplars: [nguyen-thi-hoa]
        movements: [nong-thon-moi]
        field: giao-duc
        locality: phuong-do-son
        published_at: 2025-01-02
        status: draft
        ---
        Nháp.
        """,
}


def write_content(root: Path, files: dict[str, str] | None = None) -> Path:
    """Write a content directory (FILES, overridden by `files`) with its two images."""
    for name, text in (FILES | (files or {})).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    (root / "images").mkdir(exist_ok=True)
    (root / "images" / "hoa.jpg").write_bytes(image_bytes(40, 50))
    (root / "images" / "bia.jpg").write_bytes(image_bytes(160, 90, color=(20, 90, 160)))
    return root


@pytest.fixture
def content(tmp_path):
    return write_content(tmp_path / "content")


def test_import_creates_everything(ctx, content, app):
    report = content_io.import_content(content)
    created = {kind: len(outcome.created) for kind, outcome in report.kinds.items()}
    assert created == {
        "site": 1,
        "fields": 2,
        "movements": 2,
        "localities": 3,
        "images": 2,
        "exemplars": 1,
        "commendations": 2,
        "consultations": 0,
        "stories": 2,
    }
    assert report.created == 15 and (report.updated, report.unchanged) == (0, 0)
    logged = db.session.scalars(db.select(AuditLog)).all()
    assert len(logged) == 15
    assert {(a.action, a.user_id, a.detail.get("source")) for a in logged} == {("create", None, "import")}
    kept = db.session.scalars(db.select(Revision.object_type)).all()
    assert sorted(kept) == ["Commendation"] * 2 + ["Exemplar"] + ["MediaAsset"] * 2 + ["Story"] * 2
    story = db.session.scalar(db.select(Story).filter_by(slug="nguoi-giu-lua"))
    assert story.status == StoryStatus.PUBLISHED and story.featured
    assert {m.slug for m in story.movements} == {"nong-thon-moi", "phong-chong-covid-19"}
    assert story.body_html.startswith("<p>Đoạn một.</p>")
    assert story.cover.alt_text == "Bà Hoa đứng trước nhà văn hóa"
    assert (story.cover.width, story.cover.height) == (160, 90)
    assert app.extensions["storage"].exists(story.cover.file)
    assert story.published_at.strftime("%Y-%m-%d %H:%M") == "2024-03-17 17:00"  # midnight in Hà Nội
    draft = db.session.scalar(db.select(Story).filter_by(slug="ban-nhap"))
    assert draft.status == StoryStatus.DRAFT
    old = db.session.scalar(db.select(Locality).filter_by(slug="quan-do-son"))
    assert old.replaced_by.slug == "phuong-do-son" and old.parent.slug == "hai-phong"
    hoa = db.session.scalar(db.select(Exemplar).filter_by(slug="nguyen-thi-hoa"))
    assert [c.decision_no for c in hoa.commendations] == ["1234/QĐ-UBND", "77/QĐ-UBND"]
    assert hoa.commendations[1].is_revoked and hoa.commendations[1].revoked_decision_no == "99/QĐ-UBND"
    assert hoa.bio_html == "<p>Bà Hoa <strong>sinh năm 1960</strong>.</p>\n"
    assert (hoa.gender, hoa.work_role, hoa.sector) == (Gender.FEMALE, WorkRole.DIRECT, Sector.NON_STATE)
    assert hoa.collective_size is None  # left out: not recorded
    assert content_io.is_sample_data()


def test_second_import_changes_nothing(ctx, content):
    content_io.import_content(content)
    before = snapshot()
    report = content_io.import_content(content)
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged > 0
    assert snapshot() == before


def test_real_content_over_sample_data_turns_the_flag_off(ctx, content):
    content_io.import_content(content)
    (content / "site.yaml").write_text("sample_data: false\n", "utf-8")
    report = content_io.import_content(content)
    assert len(report.kinds["site"].changed) == 1
    assert not content_io.is_sample_data()
    row = db.session.scalars(db.select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert row.action == "edit" and row.detail["fields"] == ["value"]


def test_import_updates_by_slug(ctx, content):
    content_io.import_content(content)
    story_id = db.session.scalar(db.select(Story.id).filter_by(slug="nguoi-giu-lua"))
    path = content / "stories" / "nguoi-giu-lua.md"
    path.write_text(path.read_text("utf-8").replace("Đoạn hai.", "Đoạn hai đã sửa."), "utf-8")
    report = content_io.import_content(content)
    assert (report.created, report.updated) == (0, 1)
    story = db.session.get(Story, story_id)
    assert "Đoạn hai đã sửa." in story.body_html


BROKEN = {
    "broken YAML": ("stories/nguoi-giu-lua.md", "---\ntitle: [unclosed\n---\nx\n", "YAML không hợp lệ"),
    "missing field": (
        "stories/moi.md",
        "---\ntitle: Thiếu trường\nsummary: x\nexemplars: [nguyen-thi-hoa]\nmovements: [nong-thon-moi]\n"
        "locality: phuong-do-son\npublished_at: 2024-01-01\n---\nx\n",
        "thiếu trường bắt buộc 'field'",
    ),
    "bad exemplar reference": (
        "stories/moi.md",
        "---\ntitle: Sai\nsummary: x\nexemplars: [khong-co-ai]\nmovements: [nong-thon-moi]\nfield: y-te\n"
        "locality: phuong-do-son\npublished_at: 2024-01-01\n---\nx\n",
        "điển hình 'khong-co-ai' không tồn tại",
    ),
    "bad locality parent": (
        "localities.yaml",
        "- slug: hai-phong\n  name: Hải Phòng\n  kind: city\n  parent: sao-hoa\n",
        "địa phương 'sao-hoa' không tồn tại",
    ),
    "bad enum": (
        "exemplars/nguyen-thi-hoa.md",
        "---\nname: Hoa\nkind: robot\nlocality: phuong-do-son\n---\nx\n",
        "'kind' phải là một trong",
    ),
    "bad balance value": (
        "exemplars/nguyen-thi-hoa.md",
        "---\nname: Hoa\nkind: individual\nlocality: phuong-do-son\ngender: nu\n---\nx\n",
        "'gender' phải là một trong: male, female, unstated",
    ),
    "an individual's attribute on a collective": (
        "exemplars/nguyen-thi-hoa.md",
        "---\nname: Hoa\nkind: collective\nlocality: phuong-do-son\nwork_role: direct\n---\nx\n",
        "'work_role' chỉ dùng cho kind: individual",
    ),
    "missing image": (
        "exemplars/nguyen-thi-hoa.md",
        "---\nname: Hoa\nkind: individual\nlocality: phuong-do-son\nportrait: khong-co.jpg\n---\nx\n",
        "không tìm thấy ảnh images/khong-co.jpg",
    ),
    "bad date": (
        "commendations.yaml",
        "- exemplar: nguyen-thi-hoa\n  form: x\n  level: city\n  issuer: x\n  decision_no: 1/QĐ\n"
        "  decision_date: 31/12/2023\n",
        "'decision_date' phải là ngày",
    ),
    "unknown key": (
        "fields.yaml",
        "- slug: y-te\n  name: Y tế\n  mo_ta: typo\n",
        "khóa không được hỗ trợ: mo_ta",
    ),
    "too long": (
        "fields.yaml",
        "- slug: y-te\n  name: " + "Rất dài " * 40 + "\n",
        "'name' dài quá 200 ký tự",
    ),
    "duplicate slug": (
        "fields.yaml",
        "- slug: y-te\n  name: Y tế\n- slug: y-te\n  name: Y tế 2\n- slug: giao-duc\n  name: GD\n",
        "lĩnh vực 'y-te' bị trùng",
    ),
    # consultations.yaml: the checker names the entry; the service's refusals do too
    "comments in a consultation file": (
        "consultations.yaml",
        "- slug: dot-1\n  title: Đợt 1\n  award: Huân chương Lao động hạng Ba\n  proposing_body: UBND\n"
        "  opens_on: 2025-08-04\n  comments:\n  - name: Lê Văn A\n    content: Đồng ý.\n",
        "(mục 1): khóa không được hỗ trợ: comments",
    ),
    "a candidate from nowhere": (
        "consultations.yaml",
        "- slug: dot-1\n  title: Đợt 1\n  award: Huân chương Lao động hạng Ba\n  proposing_body: UBND\n"
        "  opens_on: 2025-08-04\n  status: open\n  candidates:\n  - name: Lê Văn A\n"
        "    locality: sao-hoa\n    summary: Thành tích.\n",
        "(mục 1), người/tập thể thứ 1: địa phương 'sao-hoa' không tồn tại",
    ),
    "a consultation status unknown": (
        "consultations.yaml",
        "- slug: dot-1\n  title: Đợt 1\n  award: HC\n  proposing_body: UBND\n  opens_on: 2025-08-04\n"
        "  status: finished\n",
        "'status' phải là một trong: draft, open, closed, decided",
    ),
    "an award linked before the decision": (
        "consultations.yaml",
        "- slug: dot-1\n  title: Đợt 1\n  award: HC\n  proposing_body: UBND\n  opens_on: 2025-08-04\n"
        "  status: closed\n  candidates:\n  - name: Hoa\n    locality: phuong-do-son\n    summary: Tốt.\n"
        "    commendation: {exemplar: nguyen-thi-hoa, decision_no: 1234/QĐ-UBND}\n",
        "chỉ gắn 'commendation' khi đợt đã có quyết định",
    ),
    "an award that does not exist": (
        "consultations.yaml",
        "- slug: dot-1\n  title: Đợt 1\n  award: HC\n  proposing_body: UBND\n  opens_on: 2025-08-04\n"
        "  status: decided\n  decision_no: 1/QĐ-CTN\n  decision_date: 2025-10-01\n  candidates:\n"
        "  - name: Hoa\n    locality: phuong-do-son\n    summary: Tốt.\n"
        "    commendation: {exemplar: nguyen-thi-hoa, decision_no: 9999/QĐ-CTN}\n",
        "không có khen thưởng '9999/QĐ-CTN' của 'nguyen-thi-hoa'",
    ),
    "decided without a decision": (
        "consultations.yaml",
        "- slug: dot-1\n  title: Đợt 1\n  award: HC\n  proposing_body: UBND\n  opens_on: 2025-08-04\n"
        "  status: decided\n  candidates:\n  - name: Hoa\n    locality: phuong-do-son\n    summary: Tốt.\n",
        "đợt 'decided' phải có 'decision_no' và 'decision_date'",
    ),
    "closed before its last working day": (
        "consultations.yaml",
        f"- slug: dot-1\n  title: Đợt 1\n  award: HC\n  proposing_body: UBND\n  opens_on: {date.today()}\n"
        "  status: closed\n  candidates:\n  - name: Hoa\n    locality: phuong-do-son\n    summary: Tốt.\n",
        "không được kết thúc sớm",
    ),
    "a decision dated before the consultation ended": (
        "consultations.yaml",
        "- slug: dot-1\n  title: Đợt 1\n  award: HC\n  proposing_body: UBND\n  opens_on: 2025-08-04\n"
        "  status: decided\n  decision_no: 1/QĐ-CTN\n  decision_date: 2025-08-10\n  candidates:\n"
        "  - name: Hoa\n    locality: phuong-do-son\n    summary: Tốt.\n",
        "Ngày quyết định (10/08/2025) phải sau khi hết thời gian lấy ý kiến (hết ngày 18/08/2025)",
    ),
    "a coverage medium unknown": (
        "consultations.yaml",
        "- slug: dot-1\n  title: Đợt 1\n  award: HC\n  proposing_body: UBND\n  opens_on: 2025-08-04\n"
        "  coverage:\n  - outlet: Báo Hải Phòng\n    medium: newspaper\n    date: 2025-08-04\n",
        "(mục 1), tin bài thứ 1: 'medium' phải là một trong: print, online, tv, radio",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_file_changes_nothing(ctx, content, runner, case):
    content_io.import_content(content)
    path = content / "stories" / "nguoi-giu-lua.md"
    path.write_text(path.read_text("utf-8").replace("Đoạn hai.", "Sửa đổi không được lưu."), "utf-8")
    before = snapshot()
    name, text, message = BROKEN[case]
    (content / name).write_text(text, "utf-8")
    result = runner.invoke(args=["content", "import", str(content)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Lỗi: {name}")
    assert message in lines[0]
    assert snapshot() == before


def test_corrupt_image_names_the_image(ctx, content, runner):
    (content / "images" / "bia.jpg").write_bytes(image_bytes(160, 90)[:200])
    result = runner.invoke(args=["content", "import", str(content)])
    assert result.exit_code == 1
    assert result.output.startswith("Lỗi: images/bia.jpg")
    assert db.session.scalar(db.select(db.func.count(Story.id))) == 0


def test_missing_directory_is_one_line(ctx, runner, tmp_path):
    result = runner.invoke(args=["content", "import", str(tmp_path / "khong-co")])
    assert result.exit_code == 1
    assert "không tìm thấy thư mục nội dung" in result.output


def test_if_empty_skips_loaded_database(ctx, content, runner):
    assert runner.invoke(args=["content", "import", "--if-empty", str(content)]).exit_code == 0
    path = content / "stories" / "nguoi-giu-lua.md"
    path.write_text(path.read_text("utf-8").replace("Đoạn hai.", "Không nhập lại."), "utf-8")
    result = runner.invoke(args=["content", "import", "--if-empty", str(content)])
    assert result.exit_code == 0 and "bỏ qua" in result.output
    assert (
        db.session.scalar(db.select(db.func.count(Story.id)).where(Story.body_md.contains("Không nhập"))) == 0
    )


def test_export_then_import_reproduces_database(ctx, content, runner, tmp_path):
    content_io.import_content(content)
    first = tmp_path / "export-1"
    result = runner.invoke(args=["content", "export", str(first)])
    assert result.exit_code == 0 and "Đã xuất 2 bài viết" in result.output

    def rows():
        db.session.expire_all()
        stories = db.session.scalars(db.select(Story).order_by(Story.slug)).all()
        return (
            [
                (
                    s.slug,
                    s.title,
                    s.summary,
                    s.body_md,
                    s.body_html,
                    s.status,
                    s.published_at,
                    s.featured,
                    s.byline,
                    s.broadcast_summary,
                    s.field.slug,
                    s.locality.slug,
                    sorted(e.slug for e in s.exemplars),
                    sorted(m.slug for m in s.movements),
                    s.cover.sha256 if s.cover else None,
                    s.cover.alt_text if s.cover else None,
                )
                for s in stories
            ]
            + [
                (
                    c.exemplar.slug,
                    c.decision_no,
                    c.form,
                    c.level,
                    c.decision_date,
                    c.movement_id is not None,
                    c.revoked_decision_no,
                    c.revoked_on,
                    c.revoked_reason,
                )
                for c in db.session.scalars(db.select(Commendation).order_by(Commendation.decision_no))
            ]
            + [
                (e.slug, e.kind, e.gender, e.work_role, e.sector, e.collective_size)
                for e in db.session.scalars(db.select(Exemplar).order_by(Exemplar.slug))
            ]
            + [
                (
                    loc.slug,
                    loc.kind,
                    loc.parent.slug if loc.parent else None,
                    loc.replaced_by.slug if loc.replaced_by else None,
                )
                for loc in db.session.scalars(db.select(Locality).order_by(Locality.slug))
            ]
        )

    original = rows()
    empty_database()
    assert runner.invoke(args=["content", "import", str(first)]).exit_code == 0
    assert rows() == original
    assert content_io.is_sample_data()
    second = tmp_path / "export-2"
    assert runner.invoke(args=["content", "export", str(second)]).exit_code == 0
    compare = filecmp.dircmp(first, second)
    assert not compare.diff_files and not compare.left_only and not compare.right_only
    for sub in ("stories", "exemplars", "images"):
        assert not filecmp.dircmp(first / sub, second / sub).diff_files


def test_export_refuses_non_empty_directory(ctx, runner, tmp_path):
    (tmp_path / "x.txt").write_text("giữ lại")
    result = runner.invoke(args=["content", "export", str(tmp_path)])
    assert result.exit_code == 1 and "không trống" in result.output
    assert (tmp_path / "x.txt").read_text() == "giữ lại"


def test_localities_that_loop_are_refused(ctx, content, runner):
    content_io.import_content(content)
    before = snapshot()
    loop = "- slug: hai-phong\n  name: Hải Phòng\n  kind: city\n  replaced_by: quan-do-son\n"
    (content / "localities.yaml").write_text(loop, "utf-8")
    result = runner.invoke(args=["content", "import", str(content)])
    assert result.exit_code == 1
    assert "tạo thành vòng: hai-phong → quan-do-son → hai-phong" in result.output
    assert snapshot() == before


def story_by_slug(slug: str) -> Story:
    db.session.expire_all()
    return db.session.scalar(db.select(Story).filter_by(slug=slug))


def test_reimporting_an_old_export_leaves_a_retracted_story_retracted(ctx, content, people, tmp_path):
    content_io.import_content(content)
    old_export = tmp_path / "old-export"
    content_io.export_content(old_export)
    editor = people["editor"]
    story = story_by_slug("nguoi-giu-lua")
    assert story.status == StoryStatus.PUBLISHED and story.featured
    records.save(story, {"title": "Người giữ lửa (đã đính chính)"}, by=editor, created=False)
    workflow.transition(story, "retract", by=editor, text="Bài có thông tin chưa chính xác.")
    db.session.commit()
    editors_revision = revisions.history(story)[0]
    last_audit = db.session.scalar(db.select(db.func.max(AuditLog.id)))
    last_revision = db.session.scalar(db.select(db.func.max(Revision.id)))

    report = content_io.import_content(old_export)

    story = story_by_slug("nguoi-giu-lua")
    assert story.status == StoryStatus.RETRACTED
    assert story.retraction_reason == "Bài có thông tin chưa chính xác."
    assert not story.featured
    assert story.title == "Người giữ lửa ở Đồ Sơn"  # the old text is back, as a revision
    stories = report.kinds["stories"]
    assert stories.changed == {"nguoi-giu-lua": ["title"]}
    assert stories.left_alone == {
        "nguoi-giu-lua": ["trạng thái «Đã thu hồi» (tệp ghi «Đã đăng»)", "nổi bật: không (tệp ghi có)"]
    }
    new_audit = db.session.scalars(db.select(AuditLog).where(AuditLog.id > last_audit)).all()
    assert [(a.action, a.object_type, a.object_id, a.user_id) for a in new_audit] == [
        ("edit", "Story", story.id, None)
    ]
    assert new_audit[0].detail["fields"] == ["title"] and new_audit[0].detail["source"] == "import"
    new_revisions = db.session.scalars(db.select(Revision).where(Revision.id > last_revision)).all()
    assert [(r.object_type, r.object_id, r.user_id, r.data["title"]) for r in new_revisions] == [
        ("Story", story.id, None, "Người giữ lửa ở Đồ Sơn")
    ]

    revisions.restore(story, editors_revision, by=editor)  # an editor can undo what the import did
    db.session.commit()
    story = story_by_slug("nguoi-giu-lua")
    assert story.title == "Người giữ lửa (đã đính chính)" and story.status == StoryStatus.RETRACTED


def media_files(app) -> list[str]:
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_dry_run_lists_what_would_change_and_writes_nothing(ctx, app, content, runner):
    content_io.import_content(content)
    path = content / "stories" / "nguoi-giu-lua.md"
    text = path.read_text("utf-8").replace("title: Người giữ lửa ở Đồ Sơn", "title: Người giữ lửa")
    path.write_text(text.replace("Đoạn hai.", "Đoạn hai đã sửa."), "utf-8")
    draft = content / "stories" / "ban-nhap.md"
    draft.write_text(draft.read_text("utf-8").replace("status: draft", "status: published"), "utf-8")
    (content / "stories" / "bai-moi.md").write_text(
        "---\ntitle: Bài mới\nsummary: Tóm tắt.\nexemplars: [nguyen-thi-hoa]\nmovements: [nong-thon-moi]\n"
        "field: y-te\nlocality: phuong-do-son\npublished_at: 2025-02-03\ncover: moi.png\n"
        "cover_alt: Ảnh mới\n---\nNội dung mới.\n",
        "utf-8",
    )
    (content / "images" / "moi.png").write_bytes(image_bytes(30, 20, fmt="PNG", color=(1, 2, 3)))
    before, files = snapshot(), media_files(app)

    result = runner.invoke(args=["content", "import", str(content), "--dry-run"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Bài viết: tạo mới 1, thay đổi 1 (nguoi-giu-lua: title, body_md), giữ nguyên 1" in lines
    assert "Ảnh: tạo mới 1, thay đổi 0, giữ nguyên 2" in lines
    assert "Lĩnh vực: tạo mới 0, thay đổi 0, giữ nguyên 2" in lines
    left_alone = [line for line in lines if line.startswith("  ban-nhap:")]
    assert len(left_alone) == 1
    assert "giữ nguyên trạng thái «Bản nháp» (tệp ghi «Đã đăng»)" in left_alone[0]
    assert "không đổi trạng thái quy trình" in left_alone[0]
    assert lines[-1].startswith("Chạy thử") and "Không có gì được ghi" in lines[-1]
    assert snapshot() == before
    assert media_files(app) == files

    real = runner.invoke(args=["content", "import", str(content)])  # does what the dry run said
    assert real.exit_code == 0 and real.output.splitlines()[:-1] == lines[:-1]
    assert story_by_slug("ban-nhap").status == StoryStatus.DRAFT
    assert story_by_slug("bai-moi").cover.renditions and media_files(app) != files


def test_export_names_images_itself_and_writes_only_inside(ctx, app, make_story, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    asset = images.store_image(image_bytes(80, 60), original_name="../../../outside/x.jpg")
    records.save(asset, {"alt_text": "Ảnh bìa"}, by=None, created=True)
    make_story(slug="co-anh", cover=asset)
    root = tmp_path / "share" / "export"

    content_io.export_content(root)

    assert list(outside.iterdir()) == []
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(root in p.parents for p in written)
    data = app.extensions["storage"].read(asset.file)
    name = f"{hashlib.sha256(data).hexdigest()[:16]}.jpg"
    assert [p.name for p in (root / "images").iterdir()] == [name]
    assert f"cover: {name}\n" in (root / "stories" / "co-anh.md").read_text("utf-8")


def test_export_refuses_a_path_leaving_the_folder(ctx, make_story, tmp_path):
    make_story(slug="../../thoat-ra")
    root = tmp_path / "share" / "export"
    with pytest.raises(content_io.ContentError, match="ngoài thư mục xuất"):
        content_io.export_content(root)
    assert [p for p in tmp_path.rglob("*.md") if root not in p.parents] == []


# --- consultations.yaml ---------------------------------------------------------------------------

CONSULTATIONS = """
    - slug: dot-da-quyet-dinh
      title: Lấy ý kiến về đề nghị tặng Huân chương Lao động hạng Ba năm 2025
      award: Huân chương Lao động hạng Ba
      proposing_body: UBND thành phố Hải Phòng
      intro: |-
        Đoạn mở đầu.

        Đoạn thứ hai.
      opens_on: 2025-08-04
      working_days: 10
      status: decided
      decision_no: 2135/QĐ-CTN
      decision_date: 2025-10-24
      candidates:
      - kind: individual
        name: Nguyễn Thị Hoa
        role: Tổ trưởng tổ dân phố
        locality: phuong-do-son
        summary: |-
          Dòng một.
          Dòng hai.
        exemplar: nguyen-thi-hoa
        commendation:
          exemplar: nguyen-thi-hoa
          decision_no: 1234/QĐ-UBND
      - kind: collective
        name: Trường Tiểu học Đồ Sơn
        locality: phuong-do-son
        summary: Năm năm liền là tập thể lao động xuất sắc.
      coverage:
      - outlet: Báo Hải Phòng
        medium: online
        date: 2025-08-04
        url: https://baohaiphong.vn/vi-du
      - outlet: Đài Phát thanh và Truyền hình Hải Phòng
        medium: tv
        date: 2025-08-05
    - slug: dot-dang-mo
      title: Lấy ý kiến năm 2026
      award: Huân chương Lao động hạng Ba
      proposing_body: UBND thành phố Hải Phòng
      opens_on: 2026-11-30
      working_days: 15
      status: open
      candidates:
      - name: Trần Văn Cần
        locality: quan-do-son
        summary: Sáng kiến bốc xếp.
    - slug: dot-nhap
      title: Bản nháp đợt sau
      award: Chiến sĩ thi đua toàn quốc
      proposing_body: Sở Nội vụ
      opens_on: 2026-12-14
      decision: ""
    """


@pytest.fixture
def with_consultations(tmp_path):
    return write_content(tmp_path / "content", {"consultations.yaml": CONSULTATIONS})


def consultation_rows() -> list[tuple]:
    db.session.expire_all()
    return [
        (
            c.slug,
            c.title,
            c.award,
            c.proposing_body,
            c.intro,
            c.opens_on,
            c.working_days,
            c.closes_at,
            c.status,
            c.decision,
            [
                (
                    p.position,
                    p.kind,
                    p.name,
                    p.role,
                    p.locality.slug,
                    p.summary,
                    p.exemplar.slug if p.exemplar else None,
                    (p.commendation.exemplar.slug, p.commendation.decision_no) if p.commendation else None,
                )
                for p in c.candidates
            ],
            sorted((x.outlet, x.medium, x.published_on, x.url) for x in c.coverage),
        )
        for c in db.session.scalars(db.select(Consultation).order_by(Consultation.slug))
    ]


def test_consultations_import_through_the_service(ctx, with_consultations):
    report = content_io.import_content(with_consultations)
    assert sorted(report.kinds["consultations"].created) == ["dot-da-quyet-dinh", "dot-dang-mo", "dot-nhap"]
    decided, open_, draft = (
        db.session.scalar(db.select(Consultation).filter_by(slug=s))
        for s in ("dot-da-quyet-dinh", "dot-dang-mo", "dot-nhap")
    )
    assert decided.status == ConsultationStatus.DECIDED
    assert decided.decision == "2135/QĐ-CTN ngày 24/10/2025"
    assert consultations.last_day(decided) == date(2025, 8, 18)  # 10 working days after 04/08
    hoa, school = decided.candidates
    assert (hoa.position, hoa.exemplar.slug, hoa.commendation.decision_no) == (
        1,
        "nguyen-thi-hoa",
        "1234/QĐ-UBND",
    )
    assert (school.position, school.kind.value, school.commendation) == (2, "collective", None)
    assert [x.outlet for x in decided.coverage] == [
        "Đài Phát thanh và Truyền hình Hải Phòng",
        "Báo Hải Phòng",
    ]
    assert open_.status == ConsultationStatus.OPEN and consultations.last_day(open_) == date(2026, 12, 21)
    assert (
        consultations.phase(open_, now=from_local(datetime(2026, 12, 21, 23, 0))) == ConsultationStatus.OPEN
    )
    assert (
        consultations.phase(open_, now=from_local(datetime(2026, 12, 22, 0, 1))) == ConsultationStatus.CLOSED
    )
    assert draft.status == ConsultationStatus.DRAFT and draft.candidates == []
    # written as an editor's work is: audit rows with no user, marked as the import's
    logged = db.session.scalars(db.select(AuditLog).where(AuditLog.object_type.like("Consultation%"))).all()
    assert {(a.user_id, a.detail.get("source")) for a in logged} == {(None, "import")}
    assert {a.action for a in logged if a.object_id == decided.id and a.object_type == "Consultation"} == {
        "create",
        "consultation_open",
        "consultation_close",
        "consultation_decide",
    }
    # a second import changes nothing
    before = snapshot()
    again = content_io.import_content(with_consultations)
    assert sorted(again.kinds["consultations"].unchanged) == ["dot-da-quyet-dinh", "dot-dang-mo", "dot-nhap"]
    assert snapshot() == before


def test_consultations_round_trip_without_comments(ctx, with_consultations, runner, tmp_path):
    content_io.import_content(with_consultations)
    open_ = db.session.scalar(db.select(Consultation).filter_by(slug="dot-dang-mo"))
    comment = {
        "candidate_id": str(open_.candidates[0].id),
        "name": "Phạm Góp Ý",
        "phone": "0912 345 678",
        "email": "gopy-rieng@example.vn",
        "content": "Tôi biết ông Cần nhiều năm, hoàn toàn đồng tình.",
        "consent": "yes",
    }
    consultations.add_comment(open_, comment, now=from_local(datetime(2026, 12, 1, 9, 0)))
    db.session.commit()
    original = consultation_rows()
    first = tmp_path / "export-1"
    assert runner.invoke(args=["content", "export", str(first)]).exit_code == 0
    exported = "".join(p.read_text("utf-8") for p in first.rglob("*") if p.suffix in (".yaml", ".md"))
    for private in ("Góp Ý", "0912", "gopy-rieng", "hoàn toàn đồng tình", "comments"):
        assert private not in exported
    assert "decision_no: 2135/QĐ-CTN" in (first / "consultations.yaml").read_text("utf-8")
    empty_database()
    assert runner.invoke(args=["content", "import", str(first)]).exit_code == 0
    assert consultation_rows() == original
    second = tmp_path / "export-2"
    assert runner.invoke(args=["content", "export", str(second)]).exit_code == 0
    assert (first / "consultations.yaml").read_text("utf-8") == (second / "consultations.yaml").read_text(
        "utf-8"
    )


def test_reimport_leaves_a_consultations_status_alone(ctx, with_consultations, people):
    content_io.import_content(with_consultations)
    draft = db.session.scalar(db.select(Consultation).filter_by(slug="dot-nhap"))
    records.save(draft, {"title": "Tên do biên tập viên sửa"}, by=people["editor"], created=False)
    db.session.commit()
    text = CONSULTATIONS.replace("status: open", "status: closed")
    path = with_consultations / "consultations.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    report = content_io.import_content(with_consultations)
    outcome = report.kinds["consultations"]
    assert outcome.left_alone == {
        "dot-dang-mo": ["trạng thái «Đang lấy ý kiến» (tệp ghi «Đã hết thời gian lấy ý kiến»)"]
    }
    assert outcome.changed == {"dot-nhap": ["consultation"]}
    db.session.expire_all()
    assert (
        db.session.scalar(db.select(Consultation.status).filter_by(slug="dot-dang-mo"))
        == ConsultationStatus.OPEN
    )
    assert db.session.scalar(db.select(Consultation.title).filter_by(slug="dot-nhap")) == "Bản nháp đợt sau"


def test_a_published_list_cannot_grow_by_import(ctx, with_consultations, runner):
    content_io.import_content(with_consultations)
    before = snapshot()
    text = CONSULTATIONS.replace(
        "summary: Sáng kiến bốc xếp.\n",
        "summary: Sáng kiến bốc xếp.\n      - name: Người thêm sau\n        locality: quan-do-son\n"
        "        summary: Thêm khi đã công bố.\n",
    )
    (with_consultations / "consultations.yaml").write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    result = runner.invoke(args=["content", "import", str(with_consultations)])
    assert result.exit_code == 1
    assert result.output.startswith("Lỗi: consultations.yaml (mục 2): Đợt lấy ý kiến đã công bố"), (
        result.output
    )
    assert snapshot() == before
