"""The team server: a PostgreSQL database that Rapport sets up (schema, roles, policies) and
through which each laptop's encrypted register meets the team's (issue 18).

`connection` reaches a server and says in one line why it could not; `server` installs and
upgrades the server's schema and adds members' logins. Nothing here knows Qt.
"""
