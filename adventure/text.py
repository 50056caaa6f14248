"""World text: neutralising control characters, `{name}` interpolation, and wrapping."""

from __future__ import annotations

import re
import textwrap

import attrs

from .errors import ExprError

# C0 controls except newline and tab, DEL, C1 controls, and the bidirectional overrides that can
# make text read differently from what it is.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(s: str) -> str:
    """Neutralise anything in world text that a terminal would act on instead of print."""
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", s)


@attrs.frozen
class Template:
    """A text with `{name}` slots, compiled once at load time."""

    source: str
    parts: tuple  # str pieces and int slots (indices into State.values)

    def render(self, values) -> str:
        if len(self.parts) == 1 and isinstance(self.parts[0], str):
            return self.parts[0]
        out = []
        for p in self.parts:
            if isinstance(p, str):
                out.append(p)
            else:
                v = values[p]
                out.append(("true" if v else "false") if isinstance(v, bool) else str(v))
        return "".join(out)

    @property
    def slots(self) -> set[int]:
        return {p for p in self.parts if isinstance(p, int)}


_PIECE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def compile_text(src: str, var_index: dict[str, int]) -> Template:
    """Parse `{name}` slots. Unknown names and stray braces raise ExprError with a position."""
    src = clean(src)
    parts: list = []
    buf: list[str] = []
    pos = 0
    for m in _PIECE.finditer(src):
        buf.append(src[pos:m.start()])
        pos = m.end()
        tok = m.group(0)
        if tok == "{{":
            buf.append("{")
        elif tok == "}}":
            buf.append("}")
        elif m.group(1) is not None:
            name = m.group(1).strip()
            if name not in var_index:
                from .suggest import did_you_mean

                s = did_you_mean(name, var_index)
                hint = f" (did you mean {{{s}}}?)" if s else " (write {{ and }} for literal braces)"
                raise ExprError(f"text names {{{name}}}, which is not declared in [state]{hint}", src[max(0, m.start() - 20):m.end() + 20], min(20, m.start()))
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(var_index[name])
        else:
            raise ExprError("a lone brace in text (write {{ or }} for a literal brace)", src[max(0, m.start() - 20):m.end() + 20], min(20, m.start()))
    buf.append(src[pos:])
    if buf and "".join(buf):
        parts.append("".join(buf))
    if not parts:
        parts.append("")
    return Template(src, tuple(parts))


def paragraphs(s: str) -> list[str]:
    """Split text into paragraphs at blank lines; single newlines inside a paragraph become spaces."""
    out = []
    for block in re.split(r"\n\s*\n", s.strip()):
        lines = [ln.strip() for ln in block.splitlines()]
        if any(lines):
            out.append(" ".join(ln for ln in lines if ln))
    return out


def wrap(s: str, width: int = 78) -> str:
    """Wrap text to `width`, keeping paragraphs apart."""
    width = max(20, width)
    return "\n\n".join(textwrap.fill(p, width, break_on_hyphens=False) for p in paragraphs(s))


def word_count(s: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", s))
