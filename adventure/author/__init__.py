"""Tools for authors in their editors: `workspace` (what a world's files define and what `check`
says about the editor's buffers, with no editor protocol in it) and `lsp` (the language server
that `adventure lsp` starts, built on pygls, an optional dependency only it imports)."""
