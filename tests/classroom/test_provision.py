"""Setting a class up on a chain, and the roster a teacher hands out."""
from __future__ import annotations

import csv
import io
import stat

import pytest
from eth_account import Account

from grid.accounts import TEST_MNEMONIC
from grid.chain import connect
from grid.classroom.provision import STUDENT_FUNDING_WEI, provision_class
from grid.classroom.roster import read_roster_csv
from grid.errors import GridError
from grid.powergridv2 import PowerGridV2Client

BASE = "http://192.0.2.10:8900"
STUDENTS = 3


@pytest.fixture(scope="module", params=["tester", pytest.param("anvil", marks=pytest.mark.anvil)])
def chain(request):
    with connect(request.param, accounts=10) as chain:
        yield chain


@pytest.fixture(scope="module")
def classroom(chain, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    record, roster = provision_class(chain, folder, STUDENTS)
    roster.write(folder, BASE)
    return folder, record, roster


def test_each_student_is_an_hd_account_of_the_documented_test_mnemonic(classroom):
    _, record, roster = classroom
    Account.enable_unaudited_hdwallet_features()
    for i, member in enumerate(roster.students, start=1):
        expected = Account.from_mnemonic(TEST_MNEMONIC, account_path=f"m/44'/60'/0'/0/{100 + i}").address
        assert member.account == expected and member.name == f"student{i:02d}"
    assert record.students == ("student01", "student02", "student03")


def test_each_student_is_a_funded_prosumer_with_a_meter(chain, classroom):
    _, record, roster = classroom
    registry = PowerGridV2Client(chain, record.registry)
    for member in roster.students:
        info = registry.user_info(member.account)
        assert info.active and info.can_generate and info.can_consume
        assert int(registry.call("getUser", member.account)[8], 16) != 0          # a bound meter
        assert STUDENT_FUNDING_WEI // 2 < chain.balance(member.account) <= STUDENT_FUNDING_WEI
    assert roster.teacher.account == chain.account("admin").address


def test_the_roster_csv_has_a_row_per_member_with_a_link_carrying_its_token(classroom):
    folder, _, roster = classroom
    rows = list(csv.DictReader(io.StringIO((folder / "roster.csv").read_text())))
    assert [r["student"] for r in rows] == ["student01", "student02", "student03", "teacher"]
    tokens = [r["token"] for r in rows]
    assert len(set(tokens)) == 4 and all(len(t) >= 22 for t in tokens)       # 128 bits in base64url
    for row in rows:
        assert row["url"] == f"{BASE}/?token={row['token']}"
        assert roster.find(row["token"]).name == row["student"]
    assert roster.find("x" + tokens[0][1:]) is None and roster.find("") is None and roster.find(None) is None


def test_the_class_folder_is_its_owners_only_and_class_json_keeps_no_token(classroom):
    folder, _, roster = classroom
    for name in ("roster.csv", "roster.html", "class.json", "identities.sqlite"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    text = (folder / "class.json").read_text()
    assert not any(m.token in text for m in roster.members)


def test_the_roster_page_has_a_qr_code_and_the_link_for_everyone(classroom):
    folder, _, roster = classroom
    page = (folder / "roster.html").read_text()
    assert page.count("<svg") == len(roster.members)
    assert "http://" not in page.replace(BASE, "") and "https://" not in page.replace("http://www.w3.org", "")
    for member in roster.members:
        assert member.link(BASE) in page


def test_a_restart_reuses_the_contracts_and_the_links(chain, classroom):
    folder, record, roster = classroom
    again, same = provision_class(chain, folder, STUDENTS)
    assert (again.registry, again.market) == (record.registry, record.market)
    assert same.members == roster.members


def test_reset_deploys_afresh_with_new_links(chain, classroom, tmp_path):
    folder, record, roster = classroom
    for name in ("class.json", "roster.csv"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    fresh, new = provision_class(chain, tmp_path, STUDENTS, reset=True)
    assert fresh.registry != record.registry and fresh.market != record.market
    assert not {m.token for m in new.members} & {m.token for m in roster.members}


def test_an_edited_roster_gets_new_links(chain, classroom, tmp_path):
    folder, record, _ = classroom
    (tmp_path / "class.json").write_bytes((folder / "class.json").read_bytes())
    text = (folder / "roster.csv").read_text()
    row = text.splitlines()[1].split(",")
    (tmp_path / "roster.csv").write_text(text.replace(row[3], "guessed-token"))
    fresh, _ = provision_class(chain, tmp_path, STUDENTS)
    assert fresh.registry != record.registry


@pytest.mark.parametrize("count", [0, -1, 201])
def test_a_class_size_out_of_range_is_one_sentence(chain, tmp_path, count):
    with pytest.raises(GridError, match="a class has 1 to 200 students"):
        provision_class(chain, tmp_path, count)


def test_a_file_that_is_not_a_roster_is_one_sentence(tmp_path):
    (tmp_path / "roster.csv").write_text("name,email\nada,ada@example.org\n")
    with pytest.raises(GridError, match="is not a class roster"):
        read_roster_csv(tmp_path / "roster.csv")
    with pytest.raises(GridError, match="cannot read the roster"):
        read_roster_csv(tmp_path / "missing.csv")
