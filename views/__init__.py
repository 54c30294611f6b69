"""The screens: main window, pages, dialogs. No SQL here: views ask `models` functions."""
