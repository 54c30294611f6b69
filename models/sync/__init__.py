"""The laptop's side of team sync, with no network in it: which local changes wait for the
team server (the outbox, written by triggers), how changes from the server are applied, and the
conflicts a person must settle. `desktop.sync` talks to the server; nothing here knows Qt.
"""
