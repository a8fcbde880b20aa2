"""The Electoral Management System Django project."""
