"""``pdf2md eval``: score converters' Markdown against ground truth.

Modules: :mod:`~pdf2md.eval.corpus` finds subsets, :mod:`~pdf2md.eval.converters` and
:mod:`~pdf2md.eval.worker` run converters in subprocesses, :mod:`~pdf2md.eval.markdown` reads
every output with one markdown-it parser, :mod:`~pdf2md.eval.olmocr`, :mod:`~pdf2md.eval.docscore`
and :mod:`~pdf2md.eval.teds` score, :mod:`~pdf2md.eval.report` writes the results.
Nothing here is imported by the conversion pipeline.
"""
