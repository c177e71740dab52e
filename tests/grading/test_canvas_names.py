"""A Canvas bulk download read as Canvas names its files, whatever a learner puts in their own
Canvas name or their file's: digits and ``LATE`` in a name, a file's name too long to write."""

from __future__ import annotations

import zipfile
from pathlib import Path

from checker.grading.canvas import canvas_readings, extract_bulk_download, handins

IDS = {"1001": "ada", "1002": "mallory", "1003": "trudy"}


def test_a_name_ending_in_the_learner_s_own_id_keeps_canvas_s_late_mark():
    [reading] = canvas_readings(Path("mallory_1002_LATE_1002_2002_mallory.zip"))
    assert (reading.user_id, reading.file_id, reading.marked_late) == ("1002", "2002", True)


def test_a_name_beginning_with_a_classmate_s_id_is_graded_for_no_one():
    files = [
        canvas_readings(Path(name))
        for name in ("lovelaceada_1001_2001_ada.zip", "1001_99999999_1002_2002_junk.zip")
    ]
    warnings: list[str] = []
    chosen = handins(files, IDS, set(), warnings, {})
    assert chosen["ada"][1]["file"] == "lovelaceada_1001_2001_ada.zip"
    assert "mallory" not in chosen
    assert warnings == [
        "1001_99999999_1002_2002_junk.zip reads as the file of several learners on the roster "
        "(1001, 1002): graded for none of them; look at it yourself."
    ]


def test_a_file_s_name_beginning_with_digits_is_read_as_canvas_reads_it():
    files = [canvas_readings(Path("zedzed_106_9006_04_moving_through_history.ipynb"))]
    chosen = handins(files, IDS, set(), [], {})
    assert chosen["canvas-106"][1]["lms_file_id"] == "9006"


def test_a_file_s_name_too_long_to_write_is_unpacked_under_a_shorter_one(tmp_path):
    long_name = "mallorymal_1002_2002_" + "名" * 90 + ".zip"
    with zipfile.ZipFile(tmp_path / "bulk.zip", "w") as bulk:
        bulk.writestr("lovelaceada_1001_2001_ada.zip", b"ada")
        bulk.writestr(long_name, b"mallory")
    (tmp_path / "out").mkdir()
    extract_bulk_download(tmp_path / "bulk.zip", tmp_path / "out", 100)
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written[0] == "lovelaceada_1001_2001_ada.zip"
    assert written[1].startswith("mallorymal_1002_2002_") and written[1].endswith(".zip")
    [reading] = canvas_readings(Path(written[1]))
    assert (reading.user_id, reading.file_id) == ("1002", "2002")


def test_a_name_that_also_reads_as_a_classmate_s_file_is_set_aside_without_a_roster():
    files = [
        canvas_readings(Path(name))
        for name in ("lovelaceada_1001_2001_ada.zip", "1001_99999999_1002_2002_junk.zip")
    ]
    warnings: list[str] = []
    chosen = handins(files, {}, set(), warnings, {})
    assert chosen["canvas-1001"][1]["file"] == "lovelaceada_1001_2001_ada.zip"
    assert len(warnings) == 1 and warnings[0].startswith("1001_99999999_1002_2002_junk.zip reads")


def test_a_late_mark_after_digits_of_the_learner_s_own_name_is_kept():
    readings = canvas_readings(Path("1002_5_LATE_1002_2002_mallory.zip"))
    assert readings and all(reading.marked_late for reading in readings)


def test_a_file_whose_name_cannot_be_unpacked_is_left_out_alone(tmp_path):
    with zipfile.ZipFile(tmp_path / "bulk.zip", "w") as bulk:
        bulk.writestr("lovelaceada_1001_2001_ada.zip", b"ada")
        bulk.writestr("mallorymal_1002_2002_notes\\draft.txt", b"mallory")
        bulk.writestr(".mallorymal_1002_2003_x.zip", b"mallory")
    (tmp_path / "out").mkdir()
    left_out = extract_bulk_download(tmp_path / "bulk.zip", tmp_path / "out", 100)
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["lovelaceada_1001_2001_ada.zip"]
    assert left_out == [
        "'mallorymal_1002_2002_notes\\\\draft.txt' in bulk.zip was not read: its name holds a "
        "backslash or a NUL.",
        "'.mallorymal_1002_2003_x.zip' in bulk.zip was not read: its name begins with a dot.",
    ]


def test_many_files_left_out_are_counted_not_listed(tmp_path):
    with zipfile.ZipFile(tmp_path / "bulk.zip", "w") as bulk:
        for number in range(8):
            bulk.writestr(f"mallorymal_1002_{3000 + number}_x\\{number}.txt", b"mallory")
    (tmp_path / "out").mkdir()
    left_out = extract_bulk_download(tmp_path / "bulk.zip", tmp_path / "out", 100)
    assert len(left_out) == 6 and left_out[-1] == "3 more files in bulk.zip were not read, alike."
