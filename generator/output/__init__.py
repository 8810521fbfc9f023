"""The output folder: synthesized all or nothing, shared by stack files, cached, checked.

The layout of the folder is ``core.layout``; this package writes and reads it.
"""
