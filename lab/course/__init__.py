"""The graded course: the lessons built into an nbgrader course, and submissions autograded.

    python -m lab.course assignments            # = make assignments: course/source, course/release
    python -m lab.course grade SUBMISSIONS      # = make grade: course/grades.csv

`graded_source` turns a lesson into its nbgrader source; `build` runs nbgrader's
generate_assignment on every lesson; `grade` runs nbgrader's autograde on a folder of
submissions and writes the points per exercise per student.
"""
