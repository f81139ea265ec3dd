"""Several pipelines in one forecast: which funnel each deal belongs to.

A deal names its pipeline with a ``pipeline`` (or ``funnel``) fact
(:data:`PIPELINE_FACTS`); :func:`funnel_of` picks its funnel from the ones a
forecast was given (``forecast(..., funnels={name: Funnel})``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.course import DEFAULT_FUNNEL
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.funnel.stages import Funnel

__all__ = ["PIPELINE_FACTS", "UnknownPipelineError", "funnel_of", "pipeline_of"]


class UnknownPipelineError(FunnelError, LookupError):
    """A deal that names a pipeline (funnel) the forecast was not given.

    Subclasses :class:`LookupError`: the deal's ``pipeline`` (or ``funnel``)
    fact is looked up in ``funnels=`` and is not there.

    Attributes:
        opportunity_id: The deal's id.
        pipeline: The name it gives (or the value that is not a name).
        known: The pipeline names the forecast was given.
    """

    def __init__(
        self, message: str, *, opportunity_id: str, pipeline: object, known: Iterable[str]
    ) -> None:
        super().__init__(message)
        self.opportunity_id = opportunity_id
        self.pipeline = pipeline
        self.known = tuple(known)


#: The facts a deal names its pipeline (funnel) in, tried in this order.
PIPELINE_FACTS = ("pipeline", "funnel")


def pipeline_of(opportunity: Opportunity) -> str | None:
    """Return the name of the pipeline ``opportunity`` belongs to, or ``None``.

    The name is its ``pipeline`` fact, or else its ``funnel`` fact (as a CRM
    export's "Pipeline" column is read); a deal that gives neither belongs
    to the forecast's ``funnel=``.

    Raises:
        UnknownPipelineError: For a fact that is not a non-empty string, or
            ``pipeline`` and ``funnel`` facts that disagree.

    >>> from datetime import date
    >>> deal = Opportunity(
    ...     id="R1",
    ...     name="Renewal",
    ...     account="Acme",
    ...     owner="Ann",
    ...     stage="Engaging",
    ...     created=date(2026, 1, 5),
    ...     expected_close=date(2026, 9, 15),
    ...     amount="1000",
    ...     currency="USD",
    ...     facts={"pipeline": "renewals"},
    ... )
    >>> pipeline_of(deal)
    'renewals'
    """
    found = [(k, opportunity.facts.get(k)) for k in PIPELINE_FACTS if k in opportunity.facts]
    names = {v for _, v in found}
    for key, value in found:
        if not isinstance(value, str) or not value:
            raise UnknownPipelineError(
                f"opportunity {opportunity.id!r}: fact {key!r} is {value!r}; give the "
                "pipeline's name as a string, a key of funnels=",
                opportunity_id=opportunity.id,
                pipeline=value,
                known=(),
            )
    if len(names) > 1:
        raise UnknownPipelineError(
            f"opportunity {opportunity.id!r}: facts 'pipeline' and 'funnel' name "
            f"different pipelines ({', '.join(sorted(map(str, names)))}); keep one",
            opportunity_id=opportunity.id,
            pipeline=tuple(sorted(map(str, names))),
            known=(),
        )
    return str(found[0][1]) if found else None


def funnel_of(
    opportunity: Opportunity,
    *,
    funnel: Funnel = DEFAULT_FUNNEL,
    funnels: Mapping[str, Funnel] | None = None,
) -> Funnel:
    """Return the funnel that places ``opportunity``: its pipeline's, or ``funnel``.

    Without ``funnels`` every deal is placed by ``funnel`` (its pipeline
    fact is not read). With them, a deal that names a pipeline
    (:func:`pipeline_of`) is placed by ``funnels[name]`` (or by ``funnel``
    when the name is ``funnel.name``), and a deal that names none by
    ``funnel``.

    Raises:
        UnknownPipelineError: For a deal that names a pipeline not in
            ``funnels`` (the message lists them).
    """
    if not funnels:
        return funnel
    name = pipeline_of(opportunity)
    if name is None:
        return funnel
    found = funnels.get(name)
    if found is not None:
        return found
    if name == funnel.name:
        return funnel
    known = sorted({*funnels, funnel.name})
    raise UnknownPipelineError(
        f"opportunity {opportunity.id!r} is in pipeline {name!r}, which this forecast "
        f"has no funnel for; pass funnels={{{name!r}: Funnel(...)}}, or name one of: "
        f"{', '.join(known)}",
        opportunity_id=opportunity.id,
        pipeline=name,
        known=known,
    )
