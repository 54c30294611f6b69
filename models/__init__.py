"""Rapport's data and rules: peewee models, working calendar, figures, migrations, demo data.

Nothing here imports Qt, ReportLab, `desktop` or `views`: the window, the command line and the
reports all call the same functions, so a figure is the same wherever it is shown.
"""
