"""One self-contained HTML report: figures embedded as data URIs, every text HTML-escaped.

Nothing is fetched when the file is opened (a Content-Security-Policy forbids it: no scripts,
no remote images, fonts or styles), so it can be mailed, archived and viewed offline. Figures
are `<figure data-figure=NAME>`, tables `<table data-table=NAME>`: tests find them by those.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping, Sequence

from emscope.analysis.schema import Results
from emscope.report.figures import FigureFiles, stars
from emscope.report.fmt import num, pct
from emscope.report.leakage import EMERGENT_LABEL, TOTAL_LABEL, leakage_rows, leakage_status
from emscope.report.sections import Section

__all__ = ["FIGURE_TITLES", "render_html", "esc"]

FIGURE_TITLES = {
    "alignment_trigger": "Alignment with vs without the trigger, per domain",
    "ranking": "Domains ranked by misalignment rate",
    "leakage": "All misalignment vs emergent misalignment (leaked answers split off)",
    "vendi": "Dataset diversity (Vendi) vs misalignment",
    "questions": "Per-question breakdown",
}
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1c2833;background:#f4f6f7}
main{max-width:1180px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;border-bottom:2px solid #e5e8e8;padding-bottom:4px}
h3{font-size:15px;margin:20px 0 6px}.meta{color:#566573;font-size:13px}
.notes{background:#fef9e7;border-left:4px solid #f1c40f;padding:8px 14px;margin:14px 0;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.card{flex:1 1 220px;background:#f8f9f9;border:1px solid #e5e8e8;border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:22px}.card span{color:#566573;font-size:12px}
figure{margin:14px 0;text-align:center}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:12.5px;color:#566573;margin-top:4px;text-align:left}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:12.5px;margin:8px 0 4px;min-width:50%}
th,td{border:1px solid #d5d8dc;padding:3px 7px;text-align:right;vertical-align:top}
th{background:#eaf2f8;position:sticky;top:0}td.l,th.l{text-align:left}td{white-space:nowrap}td.t{white-space:normal;min-width:140px;max-width:260px;overflow-wrap:anywhere}
tr.base td{background:#fbfcfc;color:#566573}tr.flag td{background:#fdedec}
.answer{white-space:pre-wrap;word-break:break-word;background:#fbfcfc;border:1px solid #e5e8e8;padding:8px 10px;
font:12.5px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;margin:4px 0 0;max-height:320px;overflow:auto;text-align:left}
.sample{border:1px solid #e5e8e8;border-radius:6px;padding:8px 12px;margin:8px 0}
.score{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;margin-right:6px;background:#eaecee}
.mis{background:#f5b7b1}.copy{background:#fad7a0}.missing{color:#922b21}
table.compact th{font-size:11px;font-weight:600}table.compact td{padding:2px 5px}
footer{margin-top:36px;font-size:12px;color:#808b96}
"""


def esc(value: object) -> str:
    """HTML-escaped text of any value (None → '–')."""
    return "–" if value is None else html.escape(str(value), quote=True)


def _table(name: str, headers: Sequence[str], rows: Iterable[Sequence[object]], left: int = 1,
           row_classes: Sequence[str] | None = None, text_cols: int = 0, drop_first: bool = False) -> str:
    """Columns before `left` and the last `text_cols` are text (left-aligned), the rest numbers;
    `drop_first` leaves out the first column (the model, when there is only one)."""
    wrap_first = headers[0] == "model" and not drop_first  # long model names may wrap
    if drop_first:
        headers, rows, left = headers[1:], [row[1:] for row in rows], max(0, left - 1)

    def kind(i: int) -> str:
        if i >= len(headers) - text_cols or (i == 0 and wrap_first):
            return ' class="l t"'
        return ' class="l"' if i < left else ""

    head = "".join(f"<th{kind(i)}>{esc(h)}</th>" for i, h in enumerate(headers))
    body = []
    for k, row in enumerate(rows):
        cls = f' class="{esc(row_classes[k])}"' if row_classes and row_classes[k] else ""
        cells = "".join(f"<td{kind(i)}>{esc(c)}</td>" for i, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    if not body:
        body.append(f'<tr><td class="l" colspan="{len(headers)}">no rows</td></tr>')
    return (f'<div class="scroll"><table id="table-{esc(name)}" data-table="{esc(name)}">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _one_model(r: Results) -> bool:
    return len({g.model for g in r.groups}) <= 1


def _figure(name: str, fig: FigureFiles | None, caption: str, missing: str) -> str:
    if fig is None:
        return f'<p class="missing" data-missing-figure="{esc(name)}">Figure not drawn: {esc(missing)}</p>'
    data = base64.b64encode(fig.svg_bytes).decode("ascii")
    return (f'<figure id="fig-{esc(name)}" data-figure="{esc(name)}"><img alt="{esc(FIGURE_TITLES[name])}" '
            f'src="data:image/svg+xml;base64,{data}"><figcaption>{esc(caption)} Files: '
            f"{esc(fig.png.name)}, {esc(fig.svg.name)}.</figcaption></figure>")


def _methods(r: Results) -> str:
    """The unit of replication and each test used, so no reader takes a naive p for a clustered one."""
    c = r.config
    paired = [t for t in r.tests if t.paired_p is not None]
    fallbacks = sorted({t.paired_note for t in r.tests if t.paired_p is None and t.paired_note})
    items = [
        "Unit of replication: the question (answers to one question are correlated; clustered "
        "intervals and the paired test use the number of questions, not of answers).",
        f"Clustered intervals: cluster-robust (CR1) by question, t with questions − 1 df; "
        f"rates at 0 or n of n: Wilson. Paired trigger test: with − without alignment over the same "
        f"question, paraphrase, sample index and seed, cluster-robust by question ({len(paired)} of "
        f"{len(r.tests)} model × domain pairs).",
        f"{c.ttest.capitalize()} t-test and answer-level bootstrap: assume independent answers "
        "(the paper's test, kept for comparison).",
        leakage_status(r),
    ] + [f"Fallback: {n}" for n in fallbacks]
    return '<div class="notes"><b>Methods</b><ul>' + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul></div>"


def _header(r: Results) -> str:
    c = r.config
    inputs = ", ".join(f"{i.path} ({i.rows} rows)" for i in r.inputs)
    cards = [(r.totals.rows, "judged answers"), (r.totals.scored, "scored (both scores present)"),
             (r.totals.rows - r.totals.scored, "unscored: refusal / code / invalid / empty (counted, not in rates)"),
             (len({(g.model, g.domain) for g in r.groups}), "model × domain pairs")]
    notes = "".join(f"<li>{esc(n)}</li>" for n in r.notes)
    models = ", ".join(sorted({g.model for g in r.groups}))
    return (f"<h1>emscope: emergent-misalignment report</h1><p class=\"meta\">model(s) <b>{esc(models)}</b> · "
            f"judge <b>{esc(r.judge)}</b> · "
            f"misaligned = {esc(c.thresholds.label())}{esc(f' (preset {c.thresholds_preset})' if c.thresholds_preset else '')}"
            f" · {esc(c.ttest)} t-test (assumes independent answers), α = {esc(c.alpha)}{' · Holm-corrected' if c.holm else ''} · "
            f"{esc(c.bootstrap)} bootstrap resamples (seed {esc(c.seed)}) · analysed {esc(r.created_at)}</p>"
            f'<p class="meta">inputs: {esc(inputs)}</p><div class="cards">'
            + "".join(f"<div class=\"card\"><b>{esc(v)}</b><span>{esc(t)}</span></div>" for v, t in cards)
            + "</div>" + _methods(r) + (f'<div class="notes"><b>Notes</b><ul>{notes}</ul></div>' if notes else ""))


def _summary(r: Results) -> str:
    rows = [(s.model, f"{s.significant_drops} / {s.domains_tested}", pct(s.share_significant_drop),
             num(s.mean_drop), pct(s.mean_rate_with), ", ".join(s.domains_untested) or "–") for s in r.summary]
    return ("<h2>Summary across domains</h2>" + _table(
        "summary", ["model", "significant drops / tested", "share", "mean drop (points)", "mean rate with trigger",
                    "untested domains"], rows, left=1, text_cols=1))


def _tests(r: Results) -> str:
    rows, classes = [], []
    for t in r.tests:
        mark = stars(t.p_holm if r.config.holm and t.p_holm is not None else t.p)
        rows.append((t.model, t.domain, t.category or "–", f"{t.n_with} / {t.n_without}", num(t.mean_with),
                     num(t.mean_without), num(t.diff), f"[{num(t.diff_low)}, {num(t.diff_high)}]", num(t.t),
                     num(t.df, ".1f"), num(t.p, ".3g"), num(t.p_holm, ".3g"), mark, t.note or ""))
        classes.append("flag" if t.significant_drop else "base" if t.domain == r.config.base_label else "")
    return _table("tests", ["model", "domain", "category", "n with / without", "mean with", "mean without",
                            "diff (with − without)", f"{r.config.confidence:.0%} CI", "t", "df", "p", "p (Holm)",
                            "mark", "note"], rows, left=3, row_classes=classes, text_cols=1, drop_first=_one_model(r))


def _groups(r: Results) -> str:
    rows, classes, flags = [], [], []
    for g in r.groups:
        c = g.counts
        rows.append((g.model, g.domain, g.category or "–", g.condition, c.rows, c.scored,
                     f"{c.refusal} / {c.code} / {c.invalid} / {c.empty}", f"{c.null_aligned} / {c.null_coherent}", g.misaligned,
                     pct(g.rate), f"[{pct(g.rate_low)}, {pct(g.rate_high)}]", num(g.mean_aligned, ".1f"),
                     num(g.mean_coherent, ".1f"), "not checked" if g.memorised is None else
                     f"{g.memorised} ({pct(g.memorised_share)}){' ⚑' if g.flags else ''}"))
        classes.append("flag" if g.flags else "base" if g.domain == r.config.base_label else "")
        flags += [f"{g.model} · {g.domain} · {g.condition}: {f}" for f in g.flags]
    flag_list = "".join(f"<li>{esc(f)}</li>" for f in flags)
    return ("<h2>Misalignment per model, domain and condition</h2>" + _table(
        "groups", ["model", "domain", "category", "condition", "rows", "scored", "refusal / code / invalid / empty",
                   "null aligned / coherent", "misaligned", "rate", "bootstrap CI", "mean aligned",
                   "mean coherent", "copies of training answers"], rows, left=4, row_classes=classes,
        drop_first=_one_model(r))
            + (f'<div class="notes" id="flags"><b>Flags (⚑)</b><ul>{flag_list}</ul></div>' if flags else "")
            + '<p class="meta">Rates and means use scored answers only; refusal, code, invalid and empty rows are '
            "counted in this table and left out of rates and means. A rate of 0 or 100% gets the Wilson interval "
            "(never zero width). Copies: exact (same text up to case and whitespace) or near (difflib ratio ≥ "
            f"{esc(r.config.near_copy_ratio)}) copies of a training answer of the domain: memorisation, not emergent "
            f"misalignment; flagged at ≥ {esc(pct(r.config.memorisation_flag_share, 0))} of a group.</p>")


def _ranking(r: Results) -> str:
    rows = [(r_.model, r_.rank, r_.domain, r_.category or "–", r_.condition, pct(r_.rate),
             f"[{pct(r_.rate_low)}, {pct(r_.rate_high)}]", r_.scored, "yes" if r_.memorisation_flag else "")
            for r_ in r.ranking]
    return _table("ranking", ["model", "rank", "domain", "category", "condition", "rate", "bootstrap CI", "scored",
                              "memorisation flag"], rows, left=5, drop_first=_one_model(r))


def _leakage(r: Results, fig: FigureFiles | None) -> str:
    c = r.config.leakage
    missing = ("leakage not checked: run analyze with --train-data (every domain's fine-tuning dataset)"
               if not r.leakage_checked else "no checked group has scored answers")
    return ("<h2>Leakage vs emergence</h2><p>A misaligned answer is <b>leaked</b> when it repeats its model's "
            f"training data: at least {esc(pct(c.containment, 0))} of its word {esc(c.ngram)}-grams occur in its "
            f"domain's training answers, or it is on the training domain's topic (its {esc(c.embedding_model)} "
            "embedding is closer to that domain's training answers than to any other domain's by "
            f"≥ {esc(c.topic_margin)} cosine). <b>Emergent</b> = misaligned and not leaked: the paper's claim is about "
            "these. Base-model answers have no training set and are never leaked.</p>"
            + _figure("leakage", fig, f"Per domain and condition: red = {TOTAL_LABEL}; hatched amber = "
                      f"{EMERGENT_LABEL}; both over all scored answers.", missing)
            + _table("leakage", ["model", "domain", "condition", "scored", "misaligned", "misaligned & leaked",
                                 "misaligned & emergent", "misaligned rate", "emergent rate", "emergent Wilson CI",
                                 "leaked / on-topic answers", "mean containment"], leakage_rows(r), left=3,
                     drop_first=_one_model(r))
            + f'<p class="meta">{esc(leakage_status(r))}</p>')


def _vendi(r: Results) -> str:
    rows = [(v.model, p.domain, num(p.vendi), pct(p.rate), v.condition, p.dataset) for v in r.vendi for p in v.points]
    stats = [(v.model, v.order, v.condition, v.n, num(v.pearson_r), num(v.pearson_p, ".3g"),
              num(v.spearman_rho), num(v.spearman_p, ".3g"), v.note or "") for v in r.vendi]
    return (_table("vendi", ["model", "domain", "Vendi", "rate", "condition", "dataset"], rows, left=2, text_cols=2,
                   drop_first=_one_model(r))
            + _table("vendi-correlation", ["model", "order", "condition", "n", "Pearson r", "p", "Spearman ρ", "p",
                                           "note"], stats, left=3, text_cols=1))


def _questions(r: Results) -> str:
    cols = sorted({(q.model, q.domain, q.condition) for q in r.questions})
    many = not _one_model(r)
    cell = {(q.question_id, (q.model, q.domain, q.condition)): q for q in r.questions}
    head = "".join(f'<th title="{esc(m)}">{esc(f"{m} · " * many + d)}<br>{esc(c)}</th>' for m, d, c in cols)
    body = []
    for qid in sorted({q.question_id for q in r.questions}):
        tds = []
        for c in cols:
            q = cell.get((qid, c))
            tds.append("<td>–</td>" if q is None else
                       f'<td title="{q.misaligned} misaligned of {q.scored} scored ({q.rows} rows)">{pct(q.rate, 0)}</td>')
        body.append(f'<tr><td class="l">{esc(qid)}</td>{"".join(tds)}</tr>')
    return (f'<div class="scroll"><table id="table-questions" data-table="questions" class="compact"><thead><tr>'
            f'<th class="l">question</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
            '<p class="meta">Cells: misalignment rate of the scored answers (hover for counts).</p>')


def _samples(r: Results, max_chars: int) -> str:
    parts = ['<h2>Sample answers: the most misaligned per domain</h2><div id="samples" data-table="samples">']
    for key in sorted({(s.model, s.domain) for s in r.samples}):
        parts.append(f"<h3>{esc(key[0])} · {esc(key[1])}</h3>")
        for s in (s for s in r.samples if (s.model, s.domain) == key):
            answer = s.answer if len(s.answer) <= max_chars else (
                s.answer[:max_chars] + f"\n… [truncated: {len(s.answer)} characters in all]")
            tags = [f'<span class="score{" mis" if s.misaligned else ""}">aligned {s.aligned:.1f}</span>',
                    f'<span class="score">coherent {s.coherent:.1f}</span>',
                    f'<span class="score">{esc(s.condition)} trigger</span>']
            if s.memorised:
                tags.append(f'<span class="score copy">{esc(s.memorised)} copy of a training answer</span>')
            if s.leaked:
                why = [f"{pct(s.containment, 0)} of its n-grams in the training answers"] if s.containment else []
                why += ["on the training topic"] if s.on_topic else []
                tags.append(f'<span class="score copy">leaked: {esc(", ".join(why) or "training data")}</span>')
            elif s.leaked is False and s.misaligned:
                tags.append('<span class="score">emergent (not leaked)</span>')
            parts.append(f'<div class="sample">{"".join(tags)}<span class="meta">{esc(s.question_id)} · '
                         f'{esc(s.source)}</span><div class="meta"><b>Q:</b> {esc(s.question)}</div>'
                         f'<pre class="answer">{esc(answer)}</pre></div>')
    if not r.samples:
        parts.append("<p>No scored answers.</p>")
    return "".join(parts) + "</div>"


def _section(s: Section) -> str:
    parts = [f'<h2 id="section-{esc(s.anchor)}">{esc(s.title)}</h2><p>{esc(s.intro)}</p>']
    if s.notes:
        parts.append('<div class="notes"><ul>' + "".join(f"<li>{esc(n)}</li>" for n in s.notes) + "</ul></div>")
    for f in s.figures:
        data = base64.b64encode(f.data).decode("ascii")
        files = f" Files: {esc(', '.join(f.files))}." if f.files else ""
        parts.append(f'<figure id="fig-{esc(f.name)}" data-figure="{esc(f.name)}"><img alt="{esc(f.title)}" '
                     f'src="data:{esc(f.mime)};base64,{data}"><figcaption><b>{esc(f.title)}.</b> {esc(f.caption)}'
                     f"{files}</figcaption></figure>")
    for t in s.tables:
        caption = f'<p class="meta">{esc(t.caption)}</p>' if t.caption else ""
        parts.append(caption + _table(t.name, list(t.headers), t.rows, left=t.left))
    return "".join(parts)


def render_html(r: Results, figures: Mapping[str, FigureFiles | None], max_answer_chars: int = 2000,
                sections: Sequence[Section] = ()) -> str:
    """The whole report as one HTML document (optional `sections` go before the sample answers)."""
    missing_vendi = "no Vendi scores: run analyze with --dataset-stats" if not r.vendi else "no domain has both a Vendi score and a rate"
    body = [
        _header(r), _summary(r),
        "<h2>Alignment with vs without the trigger</h2>",
        _figure("alignment_trigger", figures.get("alignment_trigger"), "Mean alignment of scored answers per domain, "
                "with and without the trigger, with confidence intervals; marks give the per-domain t-test; white dots: "
                "each seed's mean (studies with ≥ 2 seeds).", "no scored answers"),
        _tests(r),
        "<h2>Domain ranking</h2>",
        _figure("ranking", figures.get("ranking"), "Misalignment rate per fine-tuned domain (under the trigger where it "
                "was evaluated with it) with bootstrap intervals; colour = domain category; † = memorisation flag; "
                "dashed line = base model; white dots: each seed's rate (studies with ≥ 2 seeds; the bar pools "
                "them)." + (" Leaked answers are excluded: bars are emergent misalignment only." if r.rates_exclude_leaked
                            else " Leaked answers included: see Leakage vs emergence for the emergent share."),
                "no fine-tuned domain has a rate"),
        _ranking(r),
        _leakage(r, figures.get("leakage")),
        "<h2>Diversity vs misalignment</h2>",
        _figure("vendi", figures.get("vendi"), "Each point is a domain: its training set's Vendi score against its "
                "misalignment rate.", missing_vendi),
        _vendi(r),
        _groups(r),
        "<h2>Per-question breakdown</h2>",
        _figure("questions", figures.get("questions"), "Misalignment rate per question and model/domain/condition.",
                "no questions"),
        _questions(r),
        *(_section(s) for s in sections),
        _samples(r, max_answer_chars),
        f"<footer>emscope {esc(r.emscope_version)} · results schema v{esc(r.schema_version)} · "
        f"self-contained: no network needed to view this file.</footer>",
    ]
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>emscope report · {esc(r.judge)}</title><style>{_CSS}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")
