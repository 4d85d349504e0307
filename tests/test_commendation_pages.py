"""Every commendation verifiable: a permanent public code, its page (revocation first), its QR
code, and the look-up by decision number as typed (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import pytest
import yaml
import zxingcpp
from flask_migrate import stamp
from PIL import Image
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from showcase import codes, content_io, create_app
from showcase.extensions import db
from showcase.models import Commendation, CommendationLevel, StoryStatus
from showcase.services import exemplars, trash
from showcase.services.errors import ServiceError
from tests.support import Database, empty_database


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def values(**extra):
    return {
        "form": "Bằng khen của Chủ tịch UBND thành phố",
        "level": CommendationLevel.CITY,
        "issuer": "Chủ tịch UBND thành phố Hải Phòng",
        "decision_no": "1245/QĐ-UBND",
        "decision_date": date(2024, 4, 2),
        "reason": "Có thành tích xuất sắc trong phong trào thi đua.",
    } | extra


# --- the code ---------------------------------------------------------------------------------


def test_the_service_gives_a_code_that_never_changes(ctx, people, make_exemplar):
    editor = people["editor"]
    made = []
    for n in range(30):
        record = Commendation()
        exemplars.save_commendation(
            record, values(exemplar=make_exemplar(), decision_no=f"{n}/QĐ-UBND"), by=editor, created=True
        )
        made.append(record)
    db.session.commit()
    found = [c.code for c in made]
    assert all(codes.PATTERN.match(code) for code in found), found
    assert not set("01OIL") & set("".join(found))
    assert len(set(found)) == len(found)

    first = made[0]
    code = first.code
    # an edit, even one that names another code, keeps it (a person never sets it)
    exemplars.save_commendation(first, {"reason": "Lý do mới.", "code": "ABCDEFGH"}, by=editor, created=False)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Commendation, first.id).code == code
    assert db.session.get(Commendation, first.id).reason == "Lý do mới."


def test_a_trashed_commendation_comes_back_with_its_code(ctx, people, make_commendation):
    record = make_commendation()
    code, record_id = record.code, record.id
    item = trash.discard(record, by=people["editor"])
    db.session.commit()
    trash.restore(item, by=people["editor"])
    db.session.commit()
    assert db.session.get(Commendation, record_id).code == code


def test_codes_survive_export_and_import(ctx, people, make_commendation, tmp_path):
    kept = make_commendation(decision_no="7/QĐ-UBND")
    other = make_commendation(decision_no="8/QĐ-UBND")
    before = {(c.exemplar.slug, c.decision_no): c.code for c in (kept, other)}
    out = tmp_path / "xuat"
    content_io.export_content(out)
    written = yaml.safe_load((out / "commendations.yaml").read_text(encoding="utf-8"))
    assert {(e["exemplar"], e["decision_no"]): e["code"] for e in written} == before

    empty_database()
    content_io.import_content(out)
    after = {(c.exemplar.slug, c.decision_no): c.code for c in db.session.scalars(select(Commendation))}
    assert after == before

    # a file without codes (written by hand): the import makes them; one typed in lower case is read
    empty_database()
    for entry in written:
        entry.pop("code")
    written[0]["code"] = "  " + before[(written[0]["exemplar"], written[0]["decision_no"])].lower()[:4] + "-"
    written[0]["code"] += before[(written[0]["exemplar"], written[0]["decision_no"])][4:].lower()
    (out / "commendations.yaml").write_text(yaml.safe_dump(written, allow_unicode=True), encoding="utf-8")
    content_io.import_content(out)
    again = {(c.exemplar.slug, c.decision_no): c.code for c in db.session.scalars(select(Commendation))}
    first_key = (written[0]["exemplar"], written[0]["decision_no"])
    assert again[first_key] == before[first_key]
    assert all(codes.PATTERN.match(code) for code in again.values()) and len(set(again.values())) == 2


def test_import_never_changes_the_code_of_an_existing_commendation(ctx, make_commendation, tmp_path):
    record = make_commendation()
    out = tmp_path / "xuat"
    content_io.export_content(out)
    entries = yaml.safe_load((out / "commendations.yaml").read_text(encoding="utf-8"))
    entries[0]["code"] = "WXYZ2345" if record.code != "WXYZ2345" else "WXYZ2346"
    (out / "commendations.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    report = content_io.import_content(out)
    db.session.expire_all()
    assert db.session.get(Commendation, record.id).code == record.code
    note = [line for line in report.lines() if "mã công khai" in line]
    assert note and record.code in note[0] and entries[0]["code"] in note[0]


def test_import_refuses_bad_and_taken_codes(ctx, make_commendation, tmp_path):
    one, two = make_commendation(), make_commendation()
    out = tmp_path / "xuat"
    content_io.export_content(out)
    entries = yaml.safe_load((out / "commendations.yaml").read_text(encoding="utf-8"))
    for code, fragment in [("ABC", "không hợp lệ"), ("AAAAAAA0", "không hợp lệ"), (two.code, "đã là mã")]:
        changed = [dict(e) for e in entries]
        index = next(i for i, e in enumerate(changed) if e["code"] == one.code)
        changed[index]["code"] = code
        (out / "commendations.yaml").write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
        with pytest.raises(content_io.ContentError, match=fragment):
            content_io.import_content(out)
    assert db.session.get(Commendation, one.id).code == one.code


def test_backup_keeps_codes(app, ctx, runner, make_commendation, tmp_path):
    made = [make_commendation() for _ in range(3)]
    expected = {c.id: c.code for c in made}
    stamp(revision="head")  # the shared database is made by create_all
    path = tmp_path / "sao-luu.zip"
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    with zipfile.ZipFile(path) as archive:
        lines = archive.read("tables/commendation.jsonl").decode().splitlines()
    assert {row["id"]: row["code"] for row in map(json.loads, lines)} == expected
    directory = tmp_path / "site2"
    directory.mkdir()
    database = Database(directory)
    try:
        target = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": database.url,
                "MEDIA_ROOT": str(directory / "media"),
                "SEARCH_INDEX_DIR": str(directory / "index"),
            }
        )
        with target.app_context():
            cli = target.test_cli_runner()
            assert cli.invoke(args=["db", "upgrade"]).exit_code == 0
            result = cli.invoke(args=["backup", "restore", str(path)])
            assert result.exit_code == 0, result.output
            restored = dict(db.session.execute(select(Commendation.id, Commendation.code)).all())
            assert restored == expected
            db.session.remove()
            db.engine.dispose()
    finally:
        database.drop()


def test_migration_fills_codes_for_existing_rows(tmp_path):
    database = Database(tmp_path)
    try:
        app = create_app(
            {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database.url, "MEDIA_ROOT": str(tmp_path / "m")}
        )
        cli = app.test_cli_runner()
        assert cli.invoke(args=["db", "upgrade", "0007"]).exit_code == 0
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO locality (id, slug, name, kind, version)"
                        " VALUES (1, 'hp', 'Hải Phòng', 'city', 1)"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO exemplar (id, slug, name, kind, locality_id, role, organisation, bio_md,"
                        " bio_html, created_at, updated_at, version) VALUES (1, 'a', 'A', 'individual', 1,"
                        " '', '', '', '', '2024-01-01', '2024-01-01', 1)"
                    )
                )
                for n in range(1, 6):
                    conn.execute(
                        text(
                            "INSERT INTO commendation (id, exemplar_id, form, level, issuer, decision_no,"
                            " decision_date, reason, version) VALUES"
                            f" ({n}, 1, 'Bằng khen', 'city', 'UBND', '{n}/QĐ', '2024-01-0{n}', '', 1)"
                        )
                    )
            db.engine.dispose()
        result = cli.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            with db.engine.connect() as conn:
                found = [row[0] for row in conn.execute(text("SELECT code FROM commendation ORDER BY id"))]
            assert len(found) == 5 and len(set(found)) == 5
            assert all(codes.PATTERN.match(code) for code in found)
            with pytest.raises(IntegrityError), db.engine.begin() as conn:  # unique and not null from now on
                conn.execute(text(f"UPDATE commendation SET code = '{found[0]}' WHERE id = 2"))
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text("UPDATE commendation SET code = NULL WHERE id = 3"))
            db.engine.dispose()
    finally:
        database.drop()


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def awarded(make_story, make_exemplar, make_commendation, make_world):
    """A commendation of an exemplar with a public page, and one of an exemplar without."""
    world = make_world()
    story = make_story()
    public = make_commendation(
        exemplar=story.exemplars[0],
        decision_no="1245/QĐ-UBND",
        decision_date=date(2024, 4, 2),
        reason="Cứu người trong cơn bão số 3.",
        movement=world["movement"],
    )
    hidden_exemplar = make_exemplar(name="Trần Thị Chưa Có Bài")
    make_story(exemplars=[hidden_exemplar], status=StoryStatus.DRAFT)
    private = make_commendation(exemplar=hidden_exemplar, decision_no="88/QĐ-UBND")
    return {"public": public, "private": private, "story": story}


def test_page_of_a_commendation_in_force(client, awarded):
    c = awarded["public"]
    html = page_text(client.get(f"/khen-thuong/{c.code}"))
    assert '<h1 id="commendation-title">Bằng khen của Chủ tịch UBND thành phố</h1>' in html
    assert "Còn hiệu lực" in html and "đã bị thu hồi" not in html
    assert f'<a href="/dien-hinh/{c.exemplar.slug}">{c.exemplar.name}</a>' in html
    for fragment in (
        "1245/QĐ-UBND",
        "02/04/2024",
        "Chủ tịch UBND thành phố Hải Phòng",
        "Cứu người trong cơn bão số 3.",
        "Cả nước chung sức xây dựng nông thôn mới",
        "Phường Đồ Sơn",
        "Cấp",
        "Thành phố",
        c.code,
        "In kèm giấy khen",
        f"/khen-thuong/{c.code}/qr.svg",
        f"/khen-thuong/{c.code}/qr.png",
    ):
        assert fragment in html, fragment


def test_an_exemplar_without_a_public_page_is_named_not_linked(client, awarded):
    c = awarded["private"]
    html = page_text(client.get(f"/khen-thuong/{c.code}"))
    assert "Trần Thị Chưa Có Bài" in html
    assert f"/dien-hinh/{c.exemplar.slug}" not in html
    assert "Tiểu sử" not in html  # nothing of the exemplar's own record beyond the register's


def test_a_revoked_commendation_says_so_first(client, ctx, people, awarded):
    c = awarded["public"]
    exemplars.save_commendation(
        c,
        {
            "revoked_decision_no": "77/QĐ-UBND",
            "revoked_on": date(2025, 1, 15),
            "revoked_reason": "Hồ sơ đề nghị khen thưởng không trung thực.",
        },
        by=people["editor"],
        created=False,
    )
    db.session.commit()
    html = page_text(client.get(f"/khen-thuong/{c.code}"))
    main = html.split('id="noi-dung"')[1]
    notice = main.index("Khen thưởng này đã bị thu hồi")
    assert notice < main.index("<h1") and notice < main.index("Thông tin quyết định")
    words = main[notice : main.index("<h1")]
    assert "77/QĐ-UBND" in words and "15/01/2025" in words
    assert "Hồ sơ đề nghị khen thưởng không trung thực." in words
    assert "Còn hiệu lực" not in main
    assert "<title>Đã thu hồi:" in html


@pytest.mark.parametrize("change", [str.lower, lambda c: c[:4] + "-" + c[4:], lambda c: f" {c[:4]} {c[4:]}"])
def test_a_code_typed_loosely_finds_the_page(client, awarded, change):
    c = awarded["public"]
    response = client.get("/khen-thuong/" + change(c.code).replace(" ", "%20"))
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/khen-thuong/{c.code}")
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "0OIL1000", "ABC", "A" * 40, "%C4%90%E1%BB%93"])
def test_an_unknown_code_is_a_vietnamese_404(client, awarded, code):
    response = client.get(f"/khen-thuong/{code}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html and "Không tìm thấy trang" in html
    assert client.get(f"/khen-thuong/{code}/qr.png").status_code == 404


# --- the QR code ------------------------------------------------------------------------------


def test_the_qr_code_holds_the_page_address(app, client, awarded):
    c = awarded["public"]
    expected = app.config["SITE_URL"] + f"/khen-thuong/{c.code}"
    png = client.get(f"/khen-thuong/{c.code}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert "max-age=86400" in png.headers["Cache-Control"] and png.headers["ETag"]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert [d.text for d in decoded] == [expected]
    assert decoded[0].format == zxingcpp.BarcodeFormat.QRCode

    svg = client.get(f"/khen-thuong/{c.code}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and int(root.get("width")) > 100
    assert svg.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get(f"/khen-thuong/{c.code}/qr.svg", headers={"If-None-Match": svg.headers["ETag"]})
    assert again.status_code == 304
    # the page shows the address the QR code holds
    assert expected in page_text(client.get(f"/khen-thuong/{c.code}"))


def test_the_qr_code_follows_site_url(app, client, awarded):
    c = awarded["public"]
    before = app.config["SITE_URL"]
    app.config["SITE_URL"] = "https://guongsang.haiphong.gov.vn"
    try:
        png = client.get(f"/khen-thuong/{c.code}/qr.png")
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
        assert decoded[0].text == f"https://guongsang.haiphong.gov.vn/khen-thuong/{c.code}"
    finally:
        app.config["SITE_URL"] = before


# --- look-up by decision number ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["1245/QĐ-UBND", "1245/qd-ubnd", "1245 / QĐ-UBND", "1245/QĐ–UBND", " 1245/Qđ-ubnd "]
)
def test_one_decision_found_as_typed(client, awarded, typed):
    response = client.get("/khen-thuong/tra-cuu", query_string={"so": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/khen-thuong/{awarded['public'].code}")


def test_a_decision_for_several_people_lists_them(client, awarded, make_exemplar, make_commendation):
    second = make_commendation(
        exemplar=make_exemplar(name="Hợp tác xã Thủy sản Cát Hải"), decision_no="1245/QĐ-UBND"
    )
    response = client.get("/khen-thuong/tra-cuu", query_string={"so": "1245/qd-ubnd"})
    html = page_text(response)
    assert "2 khen thưởng theo Quyết định số 1245/QĐ-UBND</h2>" in html
    assert f"/khen-thuong/{awarded['public'].code}" in html and f"/khen-thuong/{second.code}" in html
    assert "Hợp tác xã Thủy sản Cát Hải" in html and awarded["public"].exemplar.name in html


def test_a_revoking_decision_finds_what_it_revoked(client, ctx, people, awarded):
    c = awarded["private"]
    exemplars.save_commendation(
        c,
        {"revoked_decision_no": "9/QĐ-TĐKT", "revoked_on": date(2025, 2, 1), "revoked_reason": "Sai sót."},
        by=people["editor"],
        created=False,
    )
    db.session.commit()
    response = client.get("/khen-thuong/tra-cuu", query_string={"so": "9/qd-tdkt"})
    assert response.status_code == 302 and response.headers["Location"].endswith(c.code)


def test_an_unknown_decision_is_a_helpful_404(client, awarded):
    response = client.get("/khen-thuong/tra-cuu", query_string={"so": "9999/QĐ-UBND"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Không tìm thấy quyết định “9999/QĐ-UBND”" in html and "kiểm tra lại số quyết định" in html
    assert 'value="9999/QĐ-UBND"' in html  # the form keeps what was typed


@pytest.mark.parametrize("typed", ["", "   ", "1/" + "Q" * 200])
def test_empty_or_too_long_is_a_400(client, awarded, typed):
    response = client.get("/khen-thuong/tra-cuu", query_string={"so": typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html and 'role="alert"' in html


def test_the_lookup_form_is_on_the_register(client, awarded):
    html = page_text(client.get("/khen-thuong"))
    assert 'action="/khen-thuong/tra-cuu"' in html and 'name="so"' in html
    assert f'href="/khen-thuong/{awarded["public"].code}"' in html
    assert page_text(client.get("/khen-thuong/tra-cuu")).count('name="so"') == 1


def test_lookup_sees_a_new_decision_at_once(client, awarded, make_commendation):
    assert client.get("/khen-thuong/tra-cuu", query_string={"so": "500/QĐ-UBND"}).status_code == 404
    fresh = make_commendation(decision_no="500/QĐ-UBND")
    response = client.get("/khen-thuong/tra-cuu", query_string={"so": "500/qđ-ubnd"})
    assert response.status_code == 302 and response.headers["Location"].endswith(fresh.code)


# --- the admin --------------------------------------------------------------------------------


def test_admin_shows_the_code_read_only(ctx, as_role, awarded):
    c = awarded["public"]
    editor = as_role("editor")
    listing = editor.get("/admin/commendations/").get_data(as_text=True)
    assert c.code in listing and f'href="/khen-thuong/{c.code}"' in listing
    form = editor.get(f"/admin/commendations/edit/?id={c.id}").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="code"[^>]*>', form)
    assert field and "readonly" in field.group(0) and f'value="{c.code}"' in field.group(0)
    new = editor.get("/admin/commendations/new/").get_data(as_text=True)
    assert "readonly" in re.search(r'<input[^>]*name="code"[^>]*>', new).group(0)


def test_refused_code_change_never_reaches_the_page(ctx, people, awarded):
    c = awarded["public"]
    with pytest.raises(ServiceError):
        exemplars.save_commendation(
            c, {"code": "ZZZZZZZZ", "revoked_on": date(2025, 1, 1)}, by=people["editor"], created=False
        )
    db.session.rollback()
    assert db.session.get(Commendation, c.id).code == c.code


def test_the_sitemap_lists_every_commendation_page_and_the_open_data(app, client, ctx, people, awarded):
    c = awarded["private"]  # its exemplar has no public page: its commendation is public record all the same
    exemplars.save_commendation(
        c,
        {"revoked_decision_no": "5/QĐ-UBND", "revoked_on": date(2025, 3, 4), "revoked_reason": "Sai sót."},
        by=people["editor"],
        created=False,
    )
    db.session.commit()
    document = ET.fromstring(client.get("/sitemap.xml").data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    found = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in document}
    base = app.config["SITE_URL"]
    assert found[f"{base}/khen-thuong/{awarded['public'].code}"] == "2024-04-02"
    assert found[f"{base}/khen-thuong/{c.code}"] == "2025-03-04"  # its revocation
    assert f"{base}/du-lieu-mo" in found
