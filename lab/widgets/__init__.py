"""Lesson widgets: each drives primitives/ code and also prints a plain-text view."""
