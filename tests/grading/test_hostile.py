"""Hostile learners graded beside a classmate, through ``python -m checker grade``.

Every attack here worked on a grader without an operating-system boundary (processes the
audit hook never saw, files planted where the grader writes, links, signals, SQLite
writing elsewhere, a flooded scratch folder, memory read for hidden answers). Graded in
one batch with Alice, each must gain nothing: Alice keeps exactly the grade she gets
alone, her files stay byte-identical, nothing appears outside the grading's folders, no
process outlives the grading, and the outputs do not change after the grader exits.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from checker_command import SOLUTIONS, checker, grade
from class_builder import ROOT, learner_folder
from gradescope_layout import run_autograder, unpack_autograder
from quiz_answers import RIGHT
from wrong_answers import replace_body

from checker.content.catalogue import EXERCISES
from checker.judge import boundary, separate_user

UNAVAILABLE = boundary.probe()
pytestmark = pytest.mark.skipif(
    UNAVAILABLE is not None, reason=f"grading needs Linux namespaces: {UNAVAILABLE}"
)
POINTS = {exercise_id: exercise.max_points for exercise_id, exercise in EXERCISES.items()}
SCRIPT = "03-add-password-hash"
FUNCTION = "01-missing-columns"
ENUM = "11-enum-column"
REQUIRED = "15-required-column"
LINTED = "15-unique-email-linted"
EXPAND = "15-rename-expand"
_ENUM_MADE = "    user_role.create(op.get_bind(), checkfirst=True)\n"
MARKER = "hostile-7c1e"  # every process an attack starts carries it
BATCH_SECONDS = 240


def in_upgrade(attack: str, *, then_migrate: bool = False, exercise_id: str = SCRIPT) -> str:
    """The solution with ``attack`` at the start of upgrade(), which then fails (or, with
    ``then_migrate``, goes on to migrate correctly)."""
    body = attack if then_migrate else attack + "    raise RuntimeError('attack done')\n"
    return SOLUTIONS[exercise_id].replace("def upgrade():\n", f"def upgrade():\n{body}", 1)


def on_postgresql(attack: str) -> dict[str, str]:
    """An answer to the PostgreSQL exercise whose upgrade() runs ``attack`` and then migrates."""
    return {ENUM: in_upgrade(attack, then_migrate=True, exercise_id=ENUM)}


def attacks(alice_notebook: Path, out: Path, canary: Path) -> dict[str, tuple[dict, int]]:
    """Learner name -> (answers, the points an honest answer doing the same would get)."""
    grades = out / "grades.csv"
    shell = (
        f"setsid sh -c 'for n in $(seq 40); do sleep 0.5; echo pwned > {canary}/system; "
        f"echo learner,999 > {grades}; echo x >> {alice_notebook}; done # {MARKER}' "
        "> /dev/null 2>&1 &"
    )
    start_shell = f"    import ctypes\n    ctypes.pythonapi.system({shell.encode()!r})\n"
    kill_everyone = """\
    import ctypes, os
    for pid in os.listdir('/proc'):
        if pid.isdigit() and int(pid) != os.getpid():
            ctypes.pythonapi.kill(int(pid), 9)
    ctypes.pythonapi.kill(-1, 19)
"""
    solution_file = ROOT / "checker" / "content" / "solutions" / f"{FUNCTION}.py"
    steal = f"""\
def missing_columns(engine, metadata):
    try:
        namespace = {{}}
        exec(open({str(solution_file)!r}).read(), namespace)
        return namespace["missing_columns"](engine, metadata)
    except Exception:
        import gc
        for thing in gc.get_objects():
            if type(thing).__name__ == "FunctionCase":
                return set(thing.expected)
        return set()
"""
    history = 1  # the history check passes before upgrade() first runs
    # Each forked child holds 400 MB, well within the limit per process: only a bound on the
    # check as a whole stops them. Each child reports once its memory is touched; the answer
    # migrates (and earns every point) only if all six held theirs at once and still live.
    hog_memory = """\
    import ctypes, os, time
    children = []
    ready, filled = os.pipe()
    for n in range(6):
        pid = ctypes.pythonapi.fork()
        if pid == 0:
            os.close(ready)
            hog = bytearray(400 * 2**20)
            for page in range(0, len(hog), 4096):
                hog[page] = 1
            os.write(filled, b'x')
            os.close(filled)
            time.sleep(60)
            os._exit(0)
        children.append(pid)
    os.close(filled)
    reports = b''
    while chunk := os.read(ready, 6):
        reports += chunk
    if len(reports) < 6 or any(os.waitpid(pid, os.WNOHANG) != (0, 0) for pid in children):
        raise RuntimeError('the memory was bounded')
"""
    # Connections that never authenticate, as many as the socket takes, held while a
    # classmate's PostgreSQL checks run; the answer migrates only if it holds more than a few.
    hog_slots = """\
    import socket, time
    url = op.get_bind().engine.url
    host = url.query['host']
    host = host[0] if isinstance(host, tuple) else host
    path = f'{host}/.s.PGSQL.{url.port or 5432}'
    held = []
    for attempt in range(300):
        try:
            connection = socket.socket(socket.AF_UNIX)
            connection.connect(path)
            held.append(connection)
        except OSError:
            break
    time.sleep(2)
    for connection in held:
        connection.setblocking(False)
    open_ones = 0
    for connection in held:
        try:
            open_ones += connection.recv(1) != b''
        except BlockingIOError:
            open_ones += 1
        except OSError:
            pass
    if open_ones <= 8:
        raise RuntimeError(f'only {open_ones} connections held')
"""
    # A course installed as a package (not linked to a checkout) would be on sys.path.
    find_installed = """\
def missing_columns(engine, metadata):
    import glob, importlib.util, os, sys
    spec = importlib.util.find_spec('checker')
    places = list(sys.path) + list(spec.submodule_search_locations if spec else [])
    for place in places:
        pattern = os.path.join(place, '**', 'solutions', '01-missing-columns.py')
        for path in glob.glob(pattern, recursive=True):
            namespace = {}
            exec(open(path).read(), namespace)
            return namespace['missing_columns'](engine, metadata)
    return set()
"""
    # A factory that never attaches Flask-Migrate, and a profile function that rewrites what
    # the checker's step observed as it returns.
    forged_facts = """\
import sys
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app(database_url="sqlite:///app.db"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)
    return app


def forge(frame, event, value):
    if event == "return" and frame.f_code.co_name == "wire_app" and isinstance(value, dict):
        value["facts"] = dict.fromkeys(
            ["db_command", "second_app_db_command", "migrate_registered", "module_extension",
             "uses_module_extension", "render_as_batch", "same_db", "extension_at_import",
             "finds_migrations"], True,
        ) | {"attached_at_import": False, "made_by_factory": 0, "model_tables": ["user"]}


sys.setprofile(forge)
"""
    # A rule on user whose action runs as whoever adds a user, there to make the checker's own
    # role (a superuser) write a file; the answer migrates and keeps what the rule leaves
    # alone: its history, the rows both ways and the other data.
    plant_rule = f"""\
    made = op.get_bind().execute(sa.text("SELECT lo_from_bytea(0, 'x')")).scalar()
    op.execute('CREATE RULE note AS ON INSERT TO "user" DO ALSO '
               f"SELECT lo_export({{made}}, '{canary}/rule')")
"""
    # A cast from the answer's own enum type to text, which the checker's reading of the
    # rows calls, as whoever reads them, to write a file where only a superuser may; it
    # keeps the history and the rows after the upgrade: the cast left behind fails the schema
    # and stops the downgrade.
    plant_cast = f"""\
    op.execute(\"\"\"CREATE FUNCTION role_text(r user_role) RETURNS text LANGUAGE plpgsql AS $f$
        BEGIN
            BEGIN
                EXECUTE format('COPY (SELECT 1) TO %L', '{canary}/cast');
            EXCEPTION WHEN OTHERS THEN NULL;
            END;
            RETURN 'member';
        END $f$\"\"\")
    op.execute('CREATE CAST (user_role AS text) WITH FUNCTION role_text(user_role)')
"""
    # Lesson 13's answer, without the limits squawk asks for, replacing json.dumps in the child
    # so that the SQL it writes out (a step's result) reads as clean SQL: everything but the
    # linter's point is earned.
    unlimited = replace_body(
        SOLUTIONS[LINTED],
        "upgrade",
        "    with op.get_context().autocommit_block():\n"
        "        op.create_index('uq_user_email', 'user', ['email'], unique=True,\n"
        "                        postgresql_concurrently=True)\n"
        "    op.execute('ALTER TABLE \"user\" ADD CONSTRAINT uq_user_email UNIQUE USING INDEX '\n"
        "               'uq_user_email')\n",
    )
    forged_sql = unlimited + """

def clean_report():
    import json
    real = json.dumps
    def dumps(value, *args, **kwargs):
        if isinstance(value, dict) and "sql" in value:
            value = dict(value, sql="SELECT 1;\\n")
        return real(value, *args, **kwargs)
    json.dumps = dumps


clean_report()
"""
    # A downgrade that copies login back over what the old code wrote, and a patch making the
    # child's own writes of the old code's rename land in login too, so that the copy back
    # changes nothing: everything but the downgrade's two checks is earned.
    hides_the_renames = replace_body(
        SOLUTIONS[EXPAND],
        "downgrade",
        "    op.execute('UPDATE \"user\" SET username = login WHERE login IS NOT NULL')\n"
        "    op.drop_column('user', 'login')\n",
    ) + """

def mirror_renames():
    from sqlalchemy.sql import dml
    real = dml.Update.values
    def values(self, *args, **kwargs):
        if args and isinstance(args[0], dict) and "username" in args[0] and "login" in self.table.c:
            args = (dict(args[0], login=args[0]["username"]),) + args[1:]
        return real(self, *args, **kwargs)
    dml.Update.values = values


mirror_renames()
"""
    visible = POINTS[SCRIPT] - EXERCISES[SCRIPT].hidden_checks
    empty_cases = sum(case.expected == frozenset() for case in EXERCISES[FUNCTION].cases)
    return {
        "ctypes-system": (
            {SCRIPT: in_upgrade(start_shell)},
            history,
        ),
        "rewrites-what-the-checker-sees": ({"02-wire-migrate": forged_facts}, 0),
        "writes-out-other-sql": ({LINTED: forged_sql}, POINTS[LINTED] - 1),
        "rewrites-the-app-s-writes": ({EXPAND: hides_the_renames}, POINTS[EXPAND] - 2),
        "native-daemon": (
            {
                SCRIPT: in_upgrade(
                    "    import ctypes\n"
                    "    if ctypes.pythonapi.fork() == 0:\n"
                    "        ctypes.pythonapi.setsid()\n"
                    f"        ctypes.pythonapi.prctl(15, {MARKER.encode()!r})\n"
                    "        while True:\n"
                    f"            ctypes.pythonapi.open({bytes(canary / 'daemon')!r}, 0o101)\n"
                    "            __import__('time').sleep(0.2)\n",
                    then_migrate=True,
                )
            },
            POINTS[SCRIPT],
        ),
        "kill-the-grader": (
            {SCRIPT: in_upgrade(kill_everyone, then_migrate=True)},
            POINTS[SCRIPT],
        ),
        "plants-the-seed": (
            {SCRIPT: in_upgrade("    open('hidden.db', 'w').write('seed')\n", then_migrate=True)},
            visible,
        ),
        "links-the-seed": (
            {
                SCRIPT: in_upgrade(
                    f"    import os\n    os.symlink({str(alice_notebook)!r}, 'hidden.db')\n",
                    then_migrate=True,
                )
            },
            visible,
        ),
        "sqlite-writes-elsewhere": (
            {
                SCRIPT: in_upgrade(
                    f"    op.execute(\"VACUUM INTO '{canary}/vacuum.db'\")\n"
                    f"    op.execute(\"ATTACH DATABASE '{alice_notebook}' AS alice\")\n"
                )
            },
            history,
        ),
        "floods-the-scratch": (
            {
                SCRIPT: in_upgrade(
                    "    for n in range(60):\n"
                    "        open(f'fill{n}', 'wb').write(b'x' * 60 * 2**20)\n"
                )
            },
            history,
        ),
        "pipe-for-a-database": (
            {
                SCRIPT: in_upgrade(
                    "    import os\n    os.remove('visible.db')\n    os.mkfifo('visible.db')\n",
                    then_migrate=True,
                )
            },
            history,
        ),
        "steals-hidden-cases": ({FUNCTION: steal}, empty_cases),
        "finds-the-installed-course": ({FUNCTION: find_installed}, empty_cases),
        "hogs-memory": ({SCRIPT: in_upgrade(hog_memory, then_migrate=True)}, history),
        "pg-event-trigger": (
            on_postgresql(
                '    op.execute("CREATE FUNCTION spoil() RETURNS event_trigger LANGUAGE plpgsql '
                "AS $$ BEGIN RAISE EXCEPTION 'spoiled'; END $$\")\n"
                "    op.execute('CREATE EVENT TRIGGER spoil ON ddl_command_start "
                "EXECUTE FUNCTION spoil()')\n"
            ),
            history,
        ),
        "pg-runs-a-program": (
            on_postgresql(f"    op.execute(\"COPY (SELECT 1) TO PROGRAM 'touch {canary}/pg'\")\n"),
            history,
        ),
        "pg-holds-a-lock": (
            on_postgresql(
                "    op.execute('LOCK TABLE \"user\" IN ACCESS EXCLUSIVE MODE')\n"
                "    op.execute('SELECT pg_sleep(600)')\n"
            ),
            history,
        ),
        "pg-takes-every-slot": (on_postgresql(hog_slots), history),
        "pg-cast-for-the-checker": (
            {ENUM: SOLUTIONS[ENUM].replace(_ENUM_MADE, _ENUM_MADE + plant_cast, 1)},
            history + 1,
        ),
        "pg-rule-for-the-checker": (
            {REQUIRED: in_upgrade(plant_rule, then_migrate=True, exercise_id=REQUIRED)},
            history + 3,
        ),
        "pg-leaves-objects-elsewhere": (
            on_postgresql(
                "    import sqlalchemy\n"
                "    url = op.get_bind().engine.url\n"
                "    for name in ('postgres', 'template1'):\n"
                "        other = sqlalchemy.create_engine(url.set(database=name))\n"
                "        with other.connect() as connection:\n"
                "            connection.exec_driver_sql(\"SELECT lo_from_bytea(0, 'left')\")\n"
                "            connection.commit()\n"
            ),
            history,
        ),
        "pg-as-administrator": (
            on_postgresql(
                "    import sqlalchemy\n"
                "    url = op.get_bind().engine.url.set(username='postgres', password=None)\n"
                "    with sqlalchemy.create_engine(url).connect() as admin:\n"
                "        admin.exec_driver_sql('ALTER ROLE CURRENT_USER SUPERUSER')\n"
            ),
            history,
        ),
    }


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def grade_batch(
    submissions: Path, out: Path, *options: str, python: str = sys.executable
) -> subprocess.CompletedProcess:
    return grade(submissions, out, "--timeout", "5", *options, python=python, timeout=BATCH_SECONDS)


def totals(out: Path) -> dict[str, int]:
    with open(out / "grades.csv", newline="") as stream:
        return {row["learner"]: int(row["total"]) for row in csv.DictReader(stream)}


def learner_items(out: Path, name: str) -> dict[str, int]:
    document = json.loads((out / "results.json").read_text())
    learner = next(entry for entry in document["learners"] if entry["learner"] == name)
    return {item["id"]: item["points"] for item in learner["items"]}


def processes() -> str:
    return subprocess.run(["ps", "-eo", "comm,args"], capture_output=True, text=True).stdout


def system_python() -> str | None:
    """The system's Python of this version, which every user may read (as in a grading
    container), or None."""
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    return str(system) if system.exists() else None


def environment_for_the_course(folder: Path, base: str, *, checkout: bool) -> str:
    """A virtual environment of ``base`` Python with this environment's packages on its
    path (and, with ``checkout``, this checkout); returns its Python."""
    subprocess.run([base, "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next(folder.glob("lib/python*/site-packages"))
    paths = [path for path in sys.path if path.endswith("site-packages")]
    (site / "course.pth").write_text("\n".join(paths + [str(ROOT)] * checkout) + "\n")
    return str(folder / "bin" / "python")


@pytest.fixture(scope="module", params=["namespaces", "separate-user"])
def graded(request, tmp_path_factory, alice_graded_alone):
    """The class graded together behind each boundary, and Alice graded alone (behind
    namespaces, once per run: every answer of hers is right, so no boundary changes her
    grade). The canary folder is one every user reaches (the database server's too: it is
    in the temporary folder, not under pytest's own, which only its owner may enter); as a
    separate user per check, learner code may write where any user may, so it is then one
    only its owner may write to."""
    base = tmp_path_factory.mktemp("hostile")
    isolation, python = request.param, sys.executable
    if isolation == "separate-user":
        if os.geteuid() != 0 or system_python() is None:
            pytest.skip("a separate user per check needs root and a Python others may read")
        python = environment_for_the_course(base / "python", system_python(), checkout=True)
    submissions, out = base / "class", base / "out"
    canary = Path(tempfile.mkdtemp(prefix="hostile-canary-"))
    request.addfinalizer(lambda: shutil.rmtree(canary, ignore_errors=True))
    canary.chmod(0o777 if isolation == "namespaces" else 0o755)
    alice = learner_folder(submissions, "alice", SOLUTIONS, RIGHT)
    alice_notebook = alice / "exercises" / "03_first_migrations_exercises.ipynb"
    expected = {}
    for name, (answers, points) in attacks(alice_notebook, out, canary).items():
        learner_folder(submissions, name, answers)
        expected[name] = points
    before = tree_digest(alice)
    started = time.monotonic()
    result = grade_batch(submissions, out, "--isolation", isolation, python=python)
    seconds = time.monotonic() - started
    outputs = tree_digest(out)
    time.sleep(4)
    return {
        "result": result, "seconds": seconds, "out": out, "alone": alice_graded_alone,
        "alice": alice, "before": before, "outputs": outputs, "canary": canary,
        "expected": expected, "isolation": isolation,
    }  # fmt: skip


def test_the_batch_finishes_with_its_outputs(graded):
    assert graded["result"].returncode == 0, graded["result"].stderr
    describes = {"namespaces": "linux namespaces", "separate-user": "a separate user per check"}
    assert f"isolated by: {describes[graded['isolation']]}" in graded["result"].stdout
    recorded = json.loads((graded["out"] / "results.json").read_text())["isolation"]
    assert recorded.startswith(describes[graded["isolation"]])
    assert graded["seconds"] < BATCH_SECONDS


def test_no_attack_gains_a_point(graded):
    found = totals(graded["out"])
    for name, points in graded["expected"].items():
        assert found[name] == points, (name, learner_items(graded["out"], name))


def test_the_classmate_keeps_her_grade_and_her_files(graded):
    assert learner_items(graded["out"], "alice") == learner_items(graded["alone"], "alice")
    assert totals(graded["out"])["alice"] == totals(graded["alone"])["alice"]
    assert tree_digest(graded["alice"]) == graded["before"]


def test_nothing_is_written_outside_the_grading(graded):
    assert list(graded["canary"].iterdir()) == []


def test_the_outputs_do_not_change_after_the_grader_exits(graded):
    assert tree_digest(graded["out"]) == graded["outputs"]


def test_no_process_outlives_the_grading(graded):
    assert MARKER not in processes()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The course installed as Gradescope's ``setup.sh`` installs it: ``pip install`` of the
    autograder's copy of the course into an environment of the system's Python (its
    dependencies taken from this one), so that the package and its metadata sit in
    site-packages."""
    base = tmp_path_factory.mktemp("installed")
    made = checker("gradescope", "--out", base)
    assert made.returncode == 0, made.stderr
    source = unpack_autograder(base / "autograder.zip", base / "autograder")
    venv = base / "venv"
    python = environment_for_the_course(venv, system_python() or sys.executable, checkout=False)
    site = next(venv.glob("lib/python*/site-packages"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
         str(source / "course")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    found = subprocess.run(
        [python, "-c", "import checker.content; print(checker.content.__file__)"],
        cwd=base, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.startswith(str(site))
    return {"base": base, "source": source, "python": python}


def handin_as_installed(installed: dict, folder: Path, out: Path) -> Path:
    """The learner's hand-in archive, made by the installed course's ``handin``."""
    packed = checker(
        "handin", folder, "--learner", folder.name, "--out", out,
        python=installed["python"], cwd=installed["base"],
    )  # fmt: skip
    assert packed.returncode == 0, packed.stderr
    return out / f"{folder.name}.zip"


def test_the_installed_course_is_out_of_learner_code_s_sight(installed, tmp_path):
    """Graded by the installed course, through ``grade`` and through Gradescope's run, an
    answer that looks for the shipped solution on ``sys.path`` earns only honest points."""
    name = "finds-the-installed-course"
    answers, points = attacks(tmp_path / "none.ipynb", tmp_path / "out", tmp_path)[name]
    learner_folder(tmp_path / "class", name, answers)
    learner_folder(tmp_path / "class", "alice", SOLUTIONS, RIGHT)
    run = grade(
        tmp_path / "class", tmp_path / "out", "--timeout", "5",
        python=installed["python"], cwd=installed["base"], timeout=BATCH_SECONDS,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    found = totals(tmp_path / "out")
    assert (found[name], found["alice"]) == (points, found["(points possible)"])

    upload = handin_as_installed(installed, tmp_path / "class" / name, tmp_path / "uploads")
    remote = run_autograder(installed["source"], tmp_path / "root", upload, installed["python"])
    assert remote["score"] == points


def test_a_boundary_that_cannot_be_set_up_here_is_a_clear_error(tmp_path):
    reason = separate_user.probe()
    if reason is None:
        pytest.skip("a separate user per check works with this Python")
    learner_folder(tmp_path / "class", "alice", {FUNCTION: SOLUTIONS[FUNCTION]})
    run = grade_batch(tmp_path / "class", tmp_path / "out", "--isolation", "separate-user")
    assert run.returncode == 1 and reason in run.stderr and "--trusted-submissions" in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_container_that_refuses_namespaces_grades_each_upload_as_a_separate_user(
    installed, tmp_path
):
    """Gradescope's run as root without the capability namespaces need (as in Docker's
    default profile): learner code runs as a user of its own, the results say so, and an
    upload that looks for the course or writes its own score earns only honest points."""
    if os.geteuid() != 0 or system_python() is None or shutil.which("setpriv") is None:
        pytest.skip("needs root, the system's Python and setpriv")
    name = "finds-the-installed-course"
    answers, points = attacks(tmp_path / "none.ipynb", tmp_path / "out", tmp_path)[name]
    results = tmp_path / "root" / "results" / "results.json"
    answers[SCRIPT] = in_upgrade(f"    open({str(results)!r}, 'w').write('{{\"score\": 99}}')\n")
    learner_folder(tmp_path / "class", name, answers)
    upload = handin_as_installed(installed, tmp_path / "class" / name, tmp_path / "uploads")
    without_namespaces = ["setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--"]
    remote = run_autograder(
        installed["source"],
        tmp_path / "root",
        upload,
        installed["python"],
        wrapper=without_namespaces,
    )
    assert remote["extra_data"]["isolation"].startswith("a separate user per check (no namespaces")
    history = 1
    assert remote["score"] == points + history
