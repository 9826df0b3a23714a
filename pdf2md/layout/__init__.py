"""Layout backends: cut pages into regions. One module per backend, registered in
:mod:`pdf2md.registry`."""
