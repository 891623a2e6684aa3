"""The PDF plug-in's steps, split along the seams of the pipeline (see `govcheck.extract.pdf`)."""
