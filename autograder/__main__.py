"""The kit's command line: `python -m autograder <command>`.

  grade NOTEBOOK [--source NB] [--json OUT]   grade one notebook file, print and save per-cell results
  solutions [SET ...] [--check]               regenerate solutions/ and the exercise headings from source/
                                              (or check that solutions/ is current)
  sample-class ASSIGNMENT                     write the bundled sample class into submitted/
  report ASSIGNMENT                           print the gradebook's scores per student and cell
  timings                                     run each source notebook in a fresh kernel, print seconds
  gpu-check                                   grade the solutions and the sample class on cuda
  accuracy [SET ...]                          grade every case through nbgrader, report expected vs actual
  attacks                                     grade the adversarial corpus through nbgrader, report outcomes
  mutants [SET ...] [--out FILE] [--workers N]  mutate the reference answers, grade the mutants through
                                              nbgrader (one run for all sets), print survivors and scores
  grade-class ASSIGNMENT [--workers N] [--shard k/n] [--db URL]   grade every submission, with a progress bar
                                              (ASSIGNMENT may be a glob: "*" grades every assignment)
  merge ASSIGNMENT GRADEBOOK.db... [--db URL]  merge shards' gradebooks into the course's
  summary ASSIGNMENT [--png PATH]             per autograded cell: mean, full marks, common failures
  export --format tasks|canvas|moodle [--to FILE] [--assignment SET]  grades per task, or Canvas's or Moodle's
                                              grade import CSV (nbgrader export with the kit's exporter)
  gradescope ASSIGNMENT --out DIR             a Gradescope results.json per submission
  gradescope-run ASSIGNMENT                   Gradescope's run_autograder: grade /autograder/submission
  similarity ASSIGNMENT [--out DIR] [--top N] pairs of students whose answers look alike (copydetect)
  new-set NAME [--task TASK]                  a new set of one example task, ready to fill in (docs/authoring.md)
  new-task SET NAME                           a new example task at the end of a set, ready to fill in
  check-course [SET ...] [--mutants]          is the course ready to hand out: every rule, every case graded
  rerelease SET                               regenerate a released set that has submissions, keeping them
                                              and their grades (release/ stays whole if it fails)
  clean-demo                                  remove the demo's students (./kit demo) before a semester
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def current_course(db_url: str | None = None):
    """The course in the current folder, as for nbgrader: every command's paths and settings come from it."""
    from autograder.nbgrader.course import Course
    return Course(db_url=db_url)


def cmd_grade(args) -> int:
    from autograder.classroom.grade_file import grade_file
    from autograder.results.writers import as_text

    result = grade_file(Path(args.notebook), Path(args.source) if args.source else None, course=current_course())
    print(as_text(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
        print(f"results written to {args.json}")
    return 0


def cmd_solutions(args) -> int:
    from autograder.authoring.solutions import solution_module, solution_path, source_notebooks, write_solutions

    root = current_course().root
    if args.check:
        stale = [solution_path(nb, root) for nb in source_notebooks(root) if not solution_path(nb, root).exists()
                 or solution_path(nb, root).read_text() != solution_module(nb, root)]
        for path in stale:
            print(f"{path} differs from its source notebook: run python -m autograder solutions")
        return 1 if stale else 0
    for path in write_solutions(root, sets=args.sets or None):
        print(f"wrote {path}")
    return 0


def cmd_sample_class(args) -> int:
    from autograder.authoring.submissions import build_sample_class

    for path in build_sample_class(args.assignment, current_course().root):
        print(f"wrote {path}")
    return 0


def cmd_report(args) -> int:
    from autograder.results.writers import gradebook_table

    print(gradebook_table(current_course(), args.assignment))
    return 0


def cmd_timings(args) -> int:
    from autograder.authoring.checkups import timings

    return timings(current_course())


def cmd_gpu_check(args) -> int:
    from autograder.authoring.checkups import gpu_check

    return gpu_check(current_course())


def cmd_accuracy(args) -> int:
    import tempfile

    from autograder.authoring.corpus import accuracy_rows, copy_course, format_report, grade_corpus

    root = current_course().root
    with tempfile.TemporaryDirectory(prefix="kit-accuracy-") as scratch:
        course = copy_course(Path(scratch) / "course", root)
        print("grading the corpus with nbgrader autograde (a few minutes)...", file=sys.stderr, flush=True)
        graded = grade_corpus(course, root, sets=args.sets or None)
        rows = accuracy_rows(course, graded, root)
    print(format_report(rows))
    return 0 if all(row.ok for row in rows) else 1


def cmd_attacks(args) -> int:
    import tempfile
    import time

    from autograder.authoring.corpus import accuracy_rows, copy_course, format_report, grade_attacks

    root = current_course().root
    with tempfile.TemporaryDirectory(prefix="kit-attacks-") as scratch:
        course = copy_course(Path(scratch) / "course", root)
        print("grading the adversarial corpus with nbgrader autograde, twice (a few minutes)...",
              file=sys.stderr, flush=True)
        start = time.monotonic()
        run = grade_attacks(course, root)
        seconds = time.monotonic() - start
        rows = accuracy_rows(course, run.entries, root)
    attacks = [e for e in run.entries if "_then-honest" not in e.student]
    print(format_report(rows).replace("blanks and attacks earning nothing", "attacks earning nothing"))
    print(f"{len(attacks)} attacks and {len(run.entries) - len(attacks)} honest students after them, graded "
          f"twice, in {seconds:.0f} s; peak resident memory: "
          + ", ".join(f"{role} {mib:.0f} MiB" for role, mib in sorted(run.peak_mib.items())))
    return 0 if all(row.ok for row in rows) else 1


def cmd_mutants(args) -> int:
    import time

    from autograder.authoring import mutants

    print("making the mutants of the reference answers and grading them with nbgrader autograde (minutes)...",
          file=sys.stderr, flush=True)
    start = time.monotonic()
    results = mutants.run(args.sets or None, current_course().root, elsewhere=args.elsewhere, workers=args.workers)
    report = mutants.format_report(results) + f"\n({time.monotonic() - start:.0f} s)"
    print(report)
    if args.out:
        Path(args.out).write_text(report + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps([r.as_dict() for s in results for r in s.results], indent=1) + "\n")
    problems = any(s.stale or s.unjudged or s.leaks for s in results)
    return 1 if problems or any(s.score < mutants.MIN_SCORE for s in results) else 0


def cmd_grade_class(args) -> int:
    from autograder.classroom.grade_class import grade_class, parse_shard

    result = grade_class(current_course().root, args.assignment, workers=args.workers, shard=parse_shard(args.shard),
                         db_url=args.db, force=not args.keep_graded, logs=args.logs)
    print(f"{args.assignment}: graded {result.submissions - len(result.failed)} of {result.submissions} "
          f"submissions in {result.seconds:.1f} s into {result.db_url}")
    for submission in result.failed:
        print(f"FAILED: {submission}: {result.reasons.get(submission) or 'no reason given'} "
              f"(nbgrader's log{' is in ' + args.logs if args.logs else ': --logs DIR keeps it'})")
    return 1 if result.failed else 0


def cmd_merge(args) -> int:
    from autograder.classroom.gradebook_copies import merge_gradebook

    failed = 0
    for path in args.gradebooks:
        if not Path(path).is_file():  # nbgrader would make an empty gradebook there and merge nothing
            print(f"{path}: no such gradebook file, skipped", file=sys.stderr)
            failed += 1
            continue
        try:
            merged = merge_gradebook(f"sqlite:///{Path(path).resolve()}", args.db or current_course().db_url,
                                     args.assignment)
        except ValueError as error:
            print(f"{path}: {error}, skipped", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: merged {len(merged)} submissions ({', '.join(merged)})")
    return 1 if failed else 0


def cmd_summary(args) -> int:
    from autograder.results.writers import assignment_summary, format_summary, plot_summary

    rows = assignment_summary(current_course(args.db), args.assignment)
    print(format_summary(args.assignment, rows))
    if args.png:
        plot_summary(args.assignment, rows, Path(args.png))
        print(f"plot written to {args.png}")
    return 0


def cmd_similarity(args) -> int:
    from autograder.classroom.similarity import format_pairs, plot_scores, similar_pairs

    root = current_course().root
    out = Path(args.out or root / "reports" / "similarity" / args.assignment)
    pairs, unreadable = similar_pairs(root, args.assignment, out / "report.html", args.top)
    print(format_pairs(pairs, args.top))
    plot_scores(args.assignment, pairs, out / "scores.png")
    if unreadable:
        print(f"not compared (unreadable notebooks): {', '.join(unreadable)}", file=sys.stderr)
    print(f"{len(pairs)} pairs; report {out / 'report.html'}, histogram {out / 'scores.png'}. "
          "A high score is a reason to look at a pair, not a verdict.", file=sys.stderr)
    return 0


def cmd_new_set(args) -> int:
    from autograder.authoring.scaffold import new_set

    return _scaffolded(new_set(args.name, Path(args.course).resolve(), task=args.task), args.name)


def cmd_new_task(args) -> int:
    from autograder.authoring.scaffold import new_task

    return _scaffolded(new_task(args.set, args.name, Path(args.course).resolve()), args.set)


def _scaffolded(paths: list[Path], assignment: str) -> int:
    for path in dict.fromkeys(paths):
        print(f"wrote {path}")
    print(f"next: fill them in (docs/authoring.md), then python -m autograder solutions {assignment}, "
          f"nbgrader generate_assignment {assignment} --force, python -m autograder check-course {assignment}")
    return 0


def cmd_check_course(args) -> int:
    from autograder.authoring.course_check import check_course

    problems = check_course(args.sets or None, Path(args.course).resolve(), with_mutants=args.mutants,
                            say=lambda text: print(text, file=sys.stderr, flush=True))
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "the course is ready: every check passed"
          + ("" if args.mutants else " (the mutation score too: --mutants)"))
    return 1 if problems else 0


def cmd_export(args) -> int:
    from autograder.nbgrader.command import nbgrader
    from autograder.nbgrader.export import FORMATS, exporter_name

    options = [f"--to={Path(args.to).resolve() if args.to else FORMATS[args.format].default_file}"]
    options += [f"--assignment={args.assignment}"] if args.assignment else []
    result = nbgrader(Path(args.course).resolve(), "export", f"--exporter={exporter_name(args.format)}", *options,
                      check=False)
    sys.stderr.write(result.stderr)
    return result.returncode


def cmd_rerelease(args) -> int:
    from autograder.authoring.rerelease import describe, rerelease

    print(describe(args.set, rerelease(args.set, Path(args.course).resolve())))
    return 0


def cmd_clean_demo(args) -> int:
    from autograder.authoring.rerelease import clean_demo, demo_students

    removed = clean_demo(Path(args.course).resolve())
    for item in removed:
        print(f"removed {item}")
    print(f"the demo's students ({', '.join(demo_students(Path(args.course).resolve()))}): "
          + ("removed" if removed else "none were there"))
    return 0


def cmd_gradescope(args) -> int:
    from autograder.nbgrader.course import Course
    from autograder.results.model import read_graded_assignment, read_graded_submission
    from autograder.results.writers import write_gradescope

    course = Course(db_url=args.db)
    results = ([read_graded_submission(course, args.assignment, args.student)] if args.student
               else read_graded_assignment(course, args.assignment))
    for path in write_gradescope(results, Path(args.out), single=bool(args.student)):
        print(f"wrote {path}")
    return 0


def cmd_gradescope_run(args) -> int:
    from autograder.grading.run import GradingRun
    GradingRun.instance().start_sandbox()  # before nbgrader's imports, which take as long as the sandbox's
    from autograder.classroom.gradescope import grade_submission
    from autograder.nbgrader.course import Course

    result = grade_submission(Course(), args.assignment, Path(args.submission), Path(args.results))
    print(f"{args.results}: {result['output']}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("grade", help="grade one notebook file")
    grade.add_argument("notebook")
    grade.add_argument("--source", help="the source notebook (default: source/<folder>/<name>.ipynb)")
    grade.add_argument("--json", help="write the results as JSON to this file")
    grade.set_defaults(run=cmd_grade)
    similarity = commands.add_parser("similarity", help="pairs of students whose answers look alike (copydetect)")
    similarity.add_argument("assignment")
    similarity.add_argument("--out", help="folder for report.html and scores.png (default reports/similarity/ASSIGNMENT)")
    similarity.add_argument("--top", type=int, default=10, help="pairs to print and to show in the report")
    similarity.set_defaults(run=cmd_similarity)
    solutions = commands.add_parser("solutions", help="regenerate solutions/ from source/")
    solutions.add_argument("sets", nargs="*", metavar="SET", help="the sets (default: every set)")
    solutions.add_argument("--check", action="store_true", help="only check that solutions/ is current")
    solutions.set_defaults(run=cmd_solutions)
    sample = commands.add_parser("sample-class", help="write the sample class into submitted/")
    sample.add_argument("assignment")
    sample.set_defaults(run=cmd_sample_class)
    report = commands.add_parser("report", help="print the gradebook's scores")
    report.add_argument("assignment")
    report.set_defaults(run=cmd_report)
    commands.add_parser("timings", help="run each source notebook in a fresh kernel").set_defaults(run=cmd_timings)
    accuracy = commands.add_parser("accuracy", help="grade every case, report expected vs actual")
    accuracy.add_argument("sets", nargs="*", metavar="SET", help="the sets (default: every set)")
    accuracy.set_defaults(run=cmd_accuracy)
    commands.add_parser("attacks", help="grade the adversarial corpus, report outcomes").set_defaults(run=cmd_attacks)
    mutants = commands.add_parser("mutants", help="mutation testing of the hidden tests")
    mutants.add_argument("sets", nargs="*", metavar="SET", help="the sets (default: every set)")
    mutants.add_argument("--out", help="also write the report to this file")
    mutants.add_argument("--json", help="write every mutant's result as JSON to this file")
    mutants.add_argument("--workers", type=int, default=1,
                         help="nbgrader runs side by side, each on a share of every set's mutants (default: 1)")
    mutants.add_argument("--elsewhere", choices=["release", "reference"], default="release",
                         help="what the other answer cells hold: the release stubs (default) or the reference "
                              "answers (slower; checks that a mutant changes only its own cell's score)")
    mutants.set_defaults(run=cmd_mutants)
    commands.add_parser("gpu-check", help="grade solutions and sample class on cuda").set_defaults(run=cmd_gpu_check)
    db_help = "the gradebook's db_url (default: the course's gradebook.db)"
    grade_class = commands.add_parser("grade-class", help="grade every submission of an assignment in parallel")
    grade_class.add_argument("assignment", help='an assignment id, or a glob as for nbgrader: "*" is every assignment')
    grade_class.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                             help="nbgrader processes at once (default: the number of CPUs)")
    grade_class.add_argument("--shard", default="0/1", help="grade only part k of n of the class, 0 <= k < n")
    grade_class.add_argument("--db", help=db_help + "; a new sqlite file becomes this shard's own gradebook")
    grade_class.add_argument("--keep-graded", action="store_true", help="skip students already autograded (no --force)")
    grade_class.add_argument("--logs", help="keep each worker's nbgrader log in this folder")
    grade_class.set_defaults(run=cmd_grade_class)
    merge = commands.add_parser("merge", help="merge shards' SQLite gradebooks into the course's")
    merge.add_argument("assignment")
    merge.add_argument("gradebooks", nargs="+")
    merge.add_argument("--db", help=db_help)
    merge.set_defaults(run=cmd_merge)
    summary = commands.add_parser("summary", help="class summary per autograded cell")
    summary.add_argument("assignment")
    summary.add_argument("--png", help="also plot it to this PNG file")
    summary.add_argument("--db", help=db_help)
    summary.set_defaults(run=cmd_summary)
    export = commands.add_parser("export", help="grades per task, or Canvas's or Moodle's grade import CSV")
    export.add_argument("--format", choices=["tasks", "canvas", "moodle"], required=True,
                        help="tasks: a column per task and per set; canvas, moodle: the LMS's grade import")
    export.add_argument("--to", help="the CSV file (default: grades-per-task.csv, canvas-grades.csv, moodle-grades.csv)")
    export.add_argument("--assignment", help="only this set (default: every set)")
    export.add_argument("--course", default=".", help="the course's root folder (default: the current folder)")
    export.set_defaults(run=cmd_export)
    gradescope = commands.add_parser("gradescope", help="write a Gradescope results.json per submission")
    gradescope.add_argument("assignment")
    gradescope.add_argument("--out", required=True,
                            help="folder for <student>/results.json; with --student, the results.json file itself")
    gradescope.add_argument("--student", help="only this student")
    gradescope.add_argument("--db", help=db_help)
    gradescope.set_defaults(run=cmd_gradescope)

    course_help = "the course's root folder (default: the current folder)"
    new_set = commands.add_parser("new-set", help="a new set of one example task, ready to fill in")
    new_set.add_argument("name")
    new_set.add_argument("--task", help="the example task's function name (default: NAME_example)")
    new_task = commands.add_parser("new-task", help="a new example task at the end of a set, ready to fill in")
    new_task.add_argument("set")
    new_task.add_argument("name", help="the task's function name")
    check = commands.add_parser("check-course", help="check a course's sets: rules, release, cases, visible checks")
    check.add_argument("sets", nargs="*", metavar="SET", help="the sets (default: every set)")
    check.add_argument("--mutants", action="store_true", help="also the mutation score (minutes more)")
    rerelease = commands.add_parser("rerelease", help="regenerate a released set that has submissions, keeping them")
    rerelease.add_argument("set")
    rerelease.set_defaults(run=cmd_rerelease)
    clean_demo = commands.add_parser("clean-demo", help="remove the demo's students: folders and gradebook rows")
    clean_demo.set_defaults(run=cmd_clean_demo)
    for command in (new_set, new_task, check, rerelease, clean_demo):
        command.add_argument("--course", default=".", help=course_help)
    new_set.set_defaults(run=cmd_new_set)
    new_task.set_defaults(run=cmd_new_task)
    check.set_defaults(run=cmd_check_course)

    gradescope_run = commands.add_parser("gradescope-run", help="grade one submission as Gradescope's run_autograder")
    gradescope_run.add_argument("assignment")
    gradescope_run.add_argument("--submission", default="/autograder/submission",
                                help="the student's files (default: Gradescope's /autograder/submission)")
    gradescope_run.add_argument("--results", default="/autograder/results/results.json",
                                help="where results.json goes (default: Gradescope's)")
    gradescope_run.set_defaults(run=cmd_gradescope_run)
    args = parser.parse_args(argv)
    from autograder.grading.startup import prepare_grading_process
    prepare_grading_process()
    # What the commands print quotes students (messages, names): control characters are escaped.
    from autograder.grading.text import PrintableStream
    sys.stdout = PrintableStream(sys.stdout)
    from autograder.grading.cells import AuthoringError
    try:
        return args.run(args)
    except (OSError, ValueError, AuthoringError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
