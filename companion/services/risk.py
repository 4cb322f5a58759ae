"""The Risks page's domain side: calculator forms filled from the vault, evaluations, saved answers.

:func:`form_for` fills a calculator's inputs from the profile (age from the birth date, sex at
birth), the latest observation of each lifestyle type that maps to an input, and the person's
saved answers, each with where it came from and when it was measured; a value measured more than
:data:`STALE_AFTER` before today is flagged ``stale``. Three inputs are calculated, and say so:
BMI from the latest weight and height, eGFR (PREVENT) from the latest creatinine with CKD-EPI
2021, and the cholesterol/HDL ratio (QRISK3) from the latest total and HDL cholesterol.

QRISK3's ``systolic_bp_sd_mm_hg`` is ClinRisk's "standard deviation of at least two most recent
systolic blood pressure readings". It is calculated only when the log has systolic readings on
at least two days of the last year: one average a day (readings minutes apart at one sitting
would understate the variability between visits that QRISK3 was built on), then the sample
standard deviation of those daily averages. With fewer, it is left empty and QRISK3 takes 0, with
its own warning.

:func:`evaluate` never raises for bad input: a refusal (missing input, outside the validated
range, contradictory answers) comes back as a sentence naming the key, with a plain-language
paragraph (:mod:`companion.risk.explain`).

:func:`save_answers` keeps the person's answers that are not measurements (yes/no questions,
family history, ethnicity, Gail's questions …) in the vault's ``risk_answer`` table (migration 4),
so each is asked once. Measurements typed into a form are not saved: the log is where
measurements live, with their dates.
"""
from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from companion import risk
from companion.errors import CompanionError
from companion.lifestyle import store
from companion.lifestyle.store import Observation
from companion.risk import explain as explaining
from companion.risk.base import InputError, OutsideValidatedRange, RiskResult
from companion.risk.egfr import ckd_epi_2021
from companion.risk.inputs import ALTERNATIVE_OF, KEYS, bmi, parse_inputs
from companion.risk.qrisk3 import CURRENT_SMOKING
from companion.vault import keyslots
from companion.vault.errors import ReadOnlyAccess

STALE_AFTER = timedelta(days=365)

PROFILE, MEASUREMENT, ANSWER, CALCULATED = "profile", "measurement", "answer", "calculated"


@dataclass(frozen=True)
class FilledValue:
    key: str  # a companion.risk.inputs.KEYS name (canonical units: mg/dL, cm, kg …)
    value: Any  # float / int / bool / str choice
    origin: str  # "profile" | "measurement" | "answer" | "calculated"
    measured_at: datetime | None  # when it was measured (None for profile values and answers)
    stale: bool  # measured more than STALE_AFTER before today
    note: str  # plain words for the UI: "from your log, 12 March 2025"


@dataclass(frozen=True)
class InputForm:
    calculator: str
    title: str
    fields: tuple[str, ...]  # input keys to show, in order (canonical units only)
    required: frozenset[str]  # keys the calculator cannot do without
    filled: dict[str, FilledValue]
    missing: tuple[str, ...]  # required keys with no value, in field order


@dataclass(frozen=True)
class Evaluation:
    calculator: str
    result: RiskResult | None  # None when refused
    refusal: str | None
    refusal_key: str | None
    headline_key: str | None  # the result key the icon array shows; None without a percentage
    headline_percent: float | None
    optimal_percent: float | None  # same person with optimal risk factors, or Gail's average woman
    comparison_label: str | None
    explanation: str
    warnings: tuple[str, ...]  # QRISK3's licence disclaimer first: it must be shown


TITLES = {
    "pce": "Heart attack and stroke risk (PCE)",
    "prevent": "Heart disease, stroke and heart failure risk (PREVENT)",
    "qrisk3": "Heart attack and stroke risk (QRISK3)",
    "findrisc": "Type 2 diabetes risk (FINDRISC)",
    "egfr": "Kidney function (eGFR)",
    "bmi": "Body-mass index (BMI)",
    "whtr": "Waist-to-height ratio",
    "gail": "Breast cancer risk (Gail model)",
    "cha2ds2_vasc": "Stroke risk in atrial fibrillation (CHA2DS2-VASc)",
}
HEADLINE_KEYS: dict[str, str | None] = {name: explaining.HEADLINES.get(name) for name in risk.NAMES}

# What makes each calculator's compute raise MissingInput (read from its module); conditional
# needs (Gail's atypical_hyperplasia after a biopsy) are refused by evaluate, naming the key.
_HEART = frozenset({"sex", "age_years", "total_cholesterol_mg_dl", "hdl_cholesterol_mg_dl", "systolic_bp_mm_hg",
                    "on_bp_treatment", "current_smoker", "diabetes"})  # fmt: skip
REQUIRED: dict[str, frozenset[str]] = {
    "pce": _HEART,
    "prevent": _HEART | {"on_statin", "bmi_kg_m2", "egfr_ml_min_1_73m2"},
    "qrisk3": frozenset({"sex", "age_years", "smoking_status", "bmi_kg_m2", "cholesterol_hdl_ratio", "systolic_bp_mm_hg"}),
    "findrisc": frozenset({"age_years", "sex", "bmi_kg_m2", "waist_cm", "physically_active_30min_daily",
                           "eats_vegetables_fruit_berries_daily", "ever_regular_bp_medication",
                           "ever_high_blood_glucose", "family_history_diabetes"}),  # fmt: skip
    "egfr": frozenset({"serum_creatinine_mg_dl", "sex", "age_years"}),
    "bmi": frozenset({"weight_kg", "height_cm"}),
    "whtr": frozenset({"waist_cm", "height_cm"}),
    "gail": frozenset({"sex", "age_years", "race", "number_of_biopsies", "age_at_menarche_years",
                       "age_at_first_live_birth_years", "first_degree_relatives_with_breast_cancer"}),  # fmt: skip
    "cha2ds2_vasc": frozenset({"age_years", "sex", "congestive_heart_failure", "hypertension", "diabetes",
                               "vascular_disease_mi_pad_aortic_plaque", "prior_stroke_tia_thromboembolism"}),  # fmt: skip
}
# Keys a calculator reads that its form does not show, and why.
HIDDEN: dict[str, frozenset[str]] = {
    "bmi": frozenset({"bmi_kg_m2"}),  # the result itself
    "whtr": frozenset({"bmi_kg_m2"}),  # read only for NICE's BMI-35 note; derived from weight and height
    "qrisk3": frozenset({"current_smoker"}),  # smoking_status says it, in QRISK3's five levels
    "prevent": frozenset({"serum_creatinine_mg_dl"}),  # shown as the eGFR calculated from it
    "gail": frozenset({"current_age_years"}),  # the same as age_years
}
# The what-if panel's keys. No on_statin: PCE does not read it, QRISK3 refuses statin users,
# and PREVENT's statin term describes people already on one at their measured cholesterol, not
# what starting one would do; a statin's effect shows through the cholesterol sliders. No weight
# for PREVENT: its headline (total CVD) equation has no BMI term (only heart failure has one).
WHAT_IF: dict[str, tuple[str, ...]] = {
    "pce": ("systolic_bp_mm_hg", "total_cholesterol_mg_dl", "hdl_cholesterol_mg_dl", "current_smoker"),
    "prevent": ("systolic_bp_mm_hg", "total_cholesterol_mg_dl", "hdl_cholesterol_mg_dl", "current_smoker"),
    "qrisk3": ("systolic_bp_mm_hg", "total_cholesterol_mg_dl", "hdl_cholesterol_mg_dl", "smoking_status", "weight_kg"),
    "findrisc": ("weight_kg",),
    "egfr": (),
    "bmi": ("weight_kg",),
    "whtr": (),
    "gail": (),
    "cha2ds2_vasc": (),
}

# A refusal about a key the form does not show names the field that holds it.
FORM_KEY = {**ALTERNATIVE_OF, "current_age_years": "age_years"}

# Input key → lifestyle observation type (values already in the input's canonical unit).
MEASURED = {
    "weight_kg": "weight",
    "height_cm": "height",
    "waist_cm": "waist",
    "systolic_bp_mm_hg": "systolic_bp",
    "total_cholesterol_mg_dl": "total_cholesterol",
    "hdl_cholesterol_mg_dl": "hdl",
    "hba1c_percent": "hba1c",
    "serum_creatinine_mg_dl": "creatinine",
}
SMOKING_KEYS = ("current_smoker", "smoking_status")
# smoking_status answers of the lifestyle log → (current_smoker, QRISK3 level or None: needs the count)
SMOKING = {
    "never": (False, "non_smoker"),
    "former": (False, "ex_smoker"),
    "current_every_day": (True, None),
    "current_some_days": (True, None),
    "current_unknown": (True, None),
}
# QRISK3's smoking levels by cigarettes a day: light under 10, moderate 10–19, heavy 20 or more
# (ClinRisk's smoke_cat; companion.risk.qrisk3).
SMOKING_LEVELS = ((20.0, "heavy_smoker"), (10.0, "moderate_smoker"), (0.0, "light_smoker"))

# Never saved as answers: the profile's own fields and measurements (with or without a log type).
NOT_ANSWERS = frozenset({
    "sex", "age_years", "current_age_years", "total_cholesterol_mg_dl", "total_cholesterol_mmol_l",
    "hdl_cholesterol_mg_dl", "hdl_cholesterol_mmol_l", "cholesterol_hdl_ratio", "systolic_bp_mm_hg",
    "systolic_bp_sd_mm_hg", "bmi_kg_m2", "height_cm", "height_in", "weight_kg", "weight_lb", "waist_cm",
    "waist_in", "egfr_ml_min_1_73m2", "serum_creatinine_mg_dl", "serum_creatinine_umol_l", "uacr_mg_g",
    "hba1c_percent",
})  # fmt: skip
ANSWER_KEYS = frozenset(KEYS) - NOT_ANSWERS

# The order fields are shown in: the input table's order, with height and weight before BMI and
# QRISK3's ethnic group beside race.
_ORDER = [k for k in KEYS if k not in ("bmi_kg_m2", "ethnicity")]
_ORDER.insert(_ORDER.index("weight_lb") + 1, "bmi_kg_m2")
_ORDER.insert(_ORDER.index("race") + 1, "ethnicity")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip


# ---- the form ------------------------------------------------------------------------------------

def fields_of(calculator: str) -> tuple[str, ...]:
    """The keys a calculator's form shows: what it reads, less alternative units and :data:`HIDDEN`."""
    uses = risk.calculator(calculator).uses
    hidden = HIDDEN.get(calculator, frozenset())
    return tuple(k for k in _ORDER if k in uses and k not in ALTERNATIVE_OF and k not in hidden)


def form_for(session: Any, calculator: str, today: date | None = None) -> InputForm:
    """The calculator's inputs, filled from the profile, the log and the saved answers."""
    today = today or date.today()
    fields = fields_of(calculator)
    filled: dict[str, FilledValue] = {}
    profile = session.profile()
    born = date.fromisoformat(profile.birth_date) if profile.birth_date else None
    if born is not None and "age_years" in fields:
        filled["age_years"] = FilledValue("age_years", completed_years(born, today), PROFILE, None, False,
                                          "from your birth date in your profile")  # fmt: skip
    if profile.sex_at_birth and "sex" in fields:
        filled["sex"] = FilledValue("sex", profile.sex_at_birth, PROFILE, None, False, "from your profile")

    wanted = {MEASURED[k] for k in fields if k in MEASURED}
    wanted |= {"weight", "height"} if "bmi_kg_m2" in fields else set()
    wanted |= {"total_cholesterol", "hdl"} if "cholesterol_hdl_ratio" in fields else set()
    wanted |= {"creatinine"} if "egfr_ml_min_1_73m2" in fields else set()
    wanted |= {"smoking_status", "cigarettes_per_day"} if set(SMOKING_KEYS) & set(fields) else set()
    latest = store.latest(session, sorted(wanted)) if wanted else {}

    for key in fields:
        kind = MEASURED.get(key)
        if kind in latest:
            obs = latest[kind]
            filled[key] = FilledValue(key, obs.value, MEASUREMENT, obs.start, is_stale(obs.start, today),
                                      f"from your log, {when(obs.start, today)}")  # fmt: skip
    if set(SMOKING_KEYS) & set(fields):
        filled.update(_smoking(latest, today))
    _calculated(filled, latest, fields, born, profile.sex_at_birth, today)
    if "systolic_bp_sd_mm_hg" in fields:
        spread = sbp_spread(session, today)
        if spread is not None:
            filled["systolic_bp_sd_mm_hg"] = spread

    # both smoking keys take part even where the form shows one, so the pair cannot disagree
    answers = {k: row for k, row in _answer_rows(session).items() if k in fields or k in SMOKING_KEYS}
    when_known: dict[str, datetime] = {k: v.measured_at for k, v in filled.items() if v.measured_at is not None}
    for key, (value, saved_at) in answers.items():
        # measurements and the profile are never answers; a smoking answer competes with the log: newer wins
        if key not in filled or saved_at > when_known.get(key, saved_at):
            filled[key] = FilledValue(key, value, ANSWER, None, False, f"your answer, {when(saved_at, today)}")
            when_known[key] = saved_at
    if all(k in filled for k in SMOKING_KEYS):
        if filled["current_smoker"].value != (filled["smoking_status"].value in CURRENT_SMOKING):
            older = min(SMOKING_KEYS, key=lambda k: when_known[k])
            del filled[older]  # the two disagree: keep the more recent, ask again for the other

    required = REQUIRED[calculator]
    missing = tuple(k for k in fields if k in required and k not in filled)
    ordered = {k: filled[k] for k in fields if k in filled}
    return InputForm(calculator, TITLES[calculator], fields, required, ordered, missing)


def completed_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_stale(moment: datetime, today: date) -> bool:
    return today - moment.date() > STALE_AFTER


def when(moment: datetime, today: date) -> str:
    """"12 March 2025", and ", more than a year ago" when stale."""
    day = moment.date()
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return text + (", more than a year ago" if is_stale(moment, today) else "")


def _smoking(latest: Mapping[str, Observation], today: date) -> dict[str, FilledValue]:
    """``current_smoker`` and QRISK3's ``smoking_status`` from the log's smoking status (and count)."""
    status = latest.get("smoking_status")
    if status is None or status.answer not in SMOKING:
        return {}
    smokes, level = SMOKING[status.answer]
    out: dict[str, FilledValue] = {}
    note = f"from your log, {when(status.start, today)}"
    out["current_smoker"] = FilledValue("current_smoker", smokes, MEASUREMENT, status.start,
                                        is_stale(status.start, today), note)  # fmt: skip
    if level is not None:
        out["smoking_status"] = FilledValue("smoking_status", level, MEASUREMENT, status.start,
                                            is_stale(status.start, today), note)  # fmt: skip
        return out
    count = latest.get("cigarettes_per_day")
    if count is not None and count.value is not None and count.value > 0:
        level = next(name for lowest, name in SMOKING_LEVELS if count.value >= lowest)
        oldest = min(status.start, count.start)
        out["smoking_status"] = FilledValue(
            "smoking_status", level, CALCULATED, oldest, is_stale(oldest, today),
            f"from your smoking status ({when(status.start, today)}) and cigarettes a day "
            f"({when(count.start, today)}) in your log",
        )
    return out


def _calculated(filled: dict[str, FilledValue], latest: Mapping[str, Observation], fields: tuple[str, ...],
                born: date | None, sex: str | None, today: date) -> None:  # fmt: skip
    """BMI, cholesterol/HDL ratio and eGFR, each as old as the oldest value it comes from."""
    weight, height = latest.get("weight"), latest.get("height")
    if "bmi_kg_m2" in fields and weight is not None and height is not None and weight.value and height.value:
        oldest = min(weight.start, height.start)
        filled["bmi_kg_m2"] = FilledValue(
            "bmi_kg_m2", bmi(weight.value, height.value), CALCULATED, oldest, is_stale(oldest, today),
            f"calculated from your weight ({when(weight.start, today)}) and height ({when(height.start, today)})",
        )
    total, hdl = latest.get("total_cholesterol"), latest.get("hdl")
    if "cholesterol_hdl_ratio" in fields and total is not None and hdl is not None and total.value and hdl.value:
        oldest = min(total.start, hdl.start)
        filled["cholesterol_hdl_ratio"] = FilledValue(
            "cholesterol_hdl_ratio", total.value / hdl.value, CALCULATED, oldest, is_stale(oldest, today),
            f"calculated from your total cholesterol ({when(total.start, today)}) and HDL ({when(hdl.start, today)})",
        )
    creatinine = latest.get("creatinine")
    if "egfr_ml_min_1_73m2" in fields and creatinine is not None and creatinine.value and born and sex:
        age_then = completed_years(born, creatinine.start.date())  # the equation takes the age at the test
        if age_then >= 18:
            filled["egfr_ml_min_1_73m2"] = FilledValue(
                "egfr_ml_min_1_73m2", ckd_epi_2021(creatinine.value, age_then, sex), CALCULATED, creatinine.start,
                is_stale(creatinine.start, today),
                f"calculated with CKD-EPI 2021 from your creatinine of {creatinine.value:g} mg/dL "
                f"({when(creatinine.start, today)})",
            )


def sbp_spread(session: Any, today: date) -> FilledValue | None:
    """QRISK3's SBP standard deviation from the last year's systolic readings (module docstring)."""
    since = datetime.combine(today - STALE_AFTER, time.min, tzinfo=UTC)
    until = datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)
    by_day: dict[date, list[float]] = {}
    readings = store.observations(session, types=["systolic_bp"], since=since, until=until)
    for obs in readings:
        if obs.value is not None:
            by_day.setdefault(obs.start.date(), []).append(obs.value)
    if len(by_day) < 2:
        return None
    means = [statistics.fmean(values) for _, values in sorted(by_day.items())]
    first, last = min(by_day), max(by_day)
    newest = readings[-1].start
    return FilledValue(
        "systolic_bp_sd_mm_hg", statistics.stdev(means), CALCULATED, newest, False,
        f"calculated from your systolic readings on {len(by_day)} days between "
        f"{first.day} {MONTHS[first.month - 1]} {first.year} and {last.day} {MONTHS[last.month - 1]} {last.year} "
        "(one average a day)",
    )


# ---- saved answers -------------------------------------------------------------------------------

def save_answers(session: Any, values: Mapping[str, Any], *, now: datetime | None = None) -> None:
    """Keep the person's answers (``None`` forgets one). Measurements and profile fields in
    ``values`` are skipped: they are not answers. Owners only (``ReadOnlyAccess``); a key no
    calculator knows, or a value of the wrong kind, is an :class:`InputError` naming the key."""
    if session.read_only:
        raise ReadOnlyAccess()
    stamp = now.astimezone(UTC).replace(microsecond=0).isoformat() if now else keyslots.now_iso()
    keep: list[tuple[str, str]] = []
    forget: list[str] = []
    for key, value in values.items():
        if key not in KEYS:
            raise InputError(str(key), f"unknown input key: {str(key)[:60]!r}")
        if key not in ANSWER_KEYS:
            continue
        if value is None:
            forget.append(key)
        else:
            keep.append((key, json.dumps(parse_inputs({key: value})[key])))
    with session.transaction() as conn:
        for key in forget:
            conn.execute("DELETE FROM risk_answer WHERE key = ?", (key,))
        for key, text in keep:
            # an unchanged answer keeps its date, so "newer than the log" stays true to the person
            conn.execute(
                "INSERT INTO risk_answer (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at "
                "WHERE risk_answer.value IS NOT excluded.value",
                (key, text, stamp),
            )


def saved_answers(session: Any) -> dict[str, Any]:
    return {key: value for key, (value, _) in _answer_rows(session).items()}


def _answer_rows(session: Any) -> dict[str, tuple[Any, datetime]]:
    """key → (value, when saved). A stored answer this version no longer accepts is left out."""
    rows = session.connection.execute("SELECT key, value, updated_at FROM risk_answer ORDER BY key").fetchall()
    out: dict[str, tuple[Any, datetime]] = {}
    for key, text, saved in rows:
        if key not in ANSWER_KEYS:
            continue
        try:
            value = parse_inputs({key: json.loads(text)})[key]
            saved_at = datetime.fromisoformat(saved)
        except (CompanionError, ValueError):
            continue
        out[key] = (value, saved_at if saved_at.tzinfo else saved_at.replace(tzinfo=UTC))
    return out


# ---- evaluating ----------------------------------------------------------------------------------

def evaluate(calculator: str, values: Mapping[str, Any]) -> Evaluation:
    """Run a calculator on the form's values; a refusal instead of an exception for bad input."""
    try:
        calc = risk.calculator(calculator)
    except (InputError, LookupError) as error:
        return _refused(calculator, str(error), getattr(error, "key", None))
    given = prepared(calc.uses, values)
    try:
        result = risk.calculate(calculator, given)
    except (InputError, OutsideValidatedRange) as error:
        return _refused(calculator, str(error), FORM_KEY.get(error.key, error.key))
    except (CompanionError, ValueError, TypeError, ArithmeticError, LookupError):
        return _refused(calculator, "These values cannot be used by this calculator.", None)
    headline_key = HEADLINE_KEYS.get(calculator)
    headline = _number(result.results.get(headline_key)) if headline_key else None
    optimal = _optimal(calculator, given, result, headline_key)
    return Evaluation(
        calculator=calculator,
        result=result,
        refusal=None,
        refusal_key=None,
        headline_key=headline_key,
        headline_percent=headline,
        optimal_percent=optimal,
        comparison_label=explaining.COMPARISONS.get(calculator) if optimal is not None else None,
        explanation=explaining.explain(calculator, result, optimal),
        warnings=result.warnings,
    )


def prepared(uses: Iterable[str], values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a calculator reads. A BMI or cholesterol ratio is recalculated from weight and
    height, or total and HDL cholesterol, when both are given (the form shows them as calculated,
    and the what-if panel moves weight and cholesterol). Keys no calculator knows stay, to be refused."""
    used = set(uses)
    given = {k: v for k, v in values.items() if v is not None and (k in used or k not in KEYS)}
    if given.get("weight_kg") is not None and given.get("height_cm") is not None:
        given.pop("bmi_kg_m2", None)
    if given.get("total_cholesterol_mg_dl") is not None and given.get("hdl_cholesterol_mg_dl") is not None:
        given.pop("cholesterol_hdl_ratio", None)
    return given


def _optimal(calculator: str, given: Mapping[str, Any], result: RiskResult, headline_key: str | None) -> float | None:
    if calculator == "gail":
        return _number(result.results.get("average_risk_5yr_percent"))
    calc = risk.calculator(calculator)
    if calc.optimal is None or headline_key is None:
        return None
    try:
        return _number(risk.calculate(calculator, calc.optimal(given)).results.get(headline_key))
    except (CompanionError, ValueError, TypeError, ArithmeticError, LookupError):
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _refused(calculator: str, message: str, key: str | None) -> Evaluation:
    return Evaluation(
        calculator=calculator, result=None, refusal=message, refusal_key=key or None,
        headline_key=HEADLINE_KEYS.get(calculator), headline_percent=None, optimal_percent=None,
        comparison_label=None, explanation=explaining.explain(calculator, None, None, refusal=message), warnings=(),
    )  # fmt: skip
