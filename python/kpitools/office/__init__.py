"""The one headless-LibreOffice session of the project (tests, main job,
templates, benchmark, audit): session.Office installs the .oxt into an
isolated profile, starts soffice and always shuts it down; watchdog.Session
restarts it after a time-out or a crash for long runs over many files."""
