"""The graded course's commands.

    python -m lab.course assignments [--out DIR] [--only NN ...]   build it with nbgrader
    python -m lab.course grade SUBMISSIONS [--course DIR]          autograde, then DIR/grades.csv
    python -m lab.course pace [--write]                            each lesson's size and estimated time
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lab.paths import REPO

from .build import DEFAULT_COURSE_DIR, CourseError, build_course
from .grade import autograde
from .graded_source import SourceError
from .outcomes import GUIDE, sync_guide
from .pace import as_markdown, course_sizes, sync_docs


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and build; one readable sentence on failure."""
    parser = argparse.ArgumentParser(prog="python -m lab.course")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("assignments", help="the lessons as an nbgrader course: source/ and release/")
    build.add_argument("--out", type=Path, default=DEFAULT_COURSE_DIR,
                       help="the course folder (default course/)")
    build.add_argument("--only", nargs="+", metavar="NN", help="only these notebooks, e.g. --only 02 12")
    grade = commands.add_parser("grade", help="autograde a folder of submissions (one folder per student)")
    grade.add_argument("submissions", type=Path, help="SUBMISSIONS/<student>/NN_name.ipynb")
    grade.add_argument("--course", type=Path, default=DEFAULT_COURSE_DIR,
                       help="the built course (default course/)")
    pace = commands.add_parser("pace", help="each lesson's size and a first-time student's time")
    pace.add_argument("--write", action="store_true",
                      help="also write the times into README.md and the outcomes and times into the guide")
    args = parser.parse_args(argv)
    if args.command == "pace":
        print(as_markdown(course_sizes()))
        if args.write:
            sync_docs(REPO / "README.md", GUIDE)
            sync_guide(GUIDE)
            print(f"written into README.md and {GUIDE.relative_to(REPO)}")
        return 0
    try:
        if args.command == "assignments":
            print(f"Building the graded course in {args.out} ...")
            items = build_course(args.out, args.only)
            print(f"{len(items)} assignments: the teacher's copies in {args.out / 'source'}, "
                  f"the students' in {args.out / 'release'}")
            return 0
        if not (args.course / "items.json").exists():
            raise CourseError(f"no course is built in {args.course}: run `make assignments` first")
        scores = autograde(args.submissions, args.course)
    except (CourseError, SourceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    students = sorted({s.student for s in scores})
    for student in students:
        mine = [s for s in scores if s.student == student and s.kind == "auto"]
        print(f"  {student}: {sum(s.points or 0 for s in mine):g} of {sum(s.max_points for s in mine):g} "
              "autograded points")
    print(f"Points per exercise per student: {args.course / 'grades.csv'} "
          "(written answers: mark them in nbgrader's formgrader)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
