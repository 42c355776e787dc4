"""Adapters between workbook files / live books and the plain data the checks use.

Only this package imports python-calamine, openpyxl or xlwings.
"""
