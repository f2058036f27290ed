"""Fault-injection scripts for the production stack (issue 8). See README.md here."""
