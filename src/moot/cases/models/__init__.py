"""The cases app's models (docs/cases.md): a complaint from intake to closing, its log, its
evidence and read log, the people working on it, and retention."""

from moot.cases.models.case import Case, CaseEvent, CaseRead, Evidence, ExternalRepresentation
from moot.cases.models.choices import (
    FINAL_STAGES,
    AssignmentRole,
    Channel,
    CommunicationState,
    DestructionState,
    DrawPurpose,
    EventKind,
    IntakeChannel,
    Outcome,
    Party,
    SanctionKind,
    Stage,
    SummaryState,
)
from moot.cases.models.people import Assignment, ConflictDeclaration, PanelDraw, Training
from moot.cases.models.process import ClockStop, Communication, DecisionSummary, Sanction
from moot.cases.models.retention import DestructionItem, DestructionList, LegalHold

__all__ = [
    "FINAL_STAGES",
    "Assignment",
    "AssignmentRole",
    "Case",
    "CaseEvent",
    "CaseRead",
    "Channel",
    "ClockStop",
    "Communication",
    "CommunicationState",
    "ConflictDeclaration",
    "DecisionSummary",
    "DestructionItem",
    "DestructionList",
    "DestructionState",
    "DrawPurpose",
    "EventKind",
    "Evidence",
    "ExternalRepresentation",
    "IntakeChannel",
    "LegalHold",
    "Outcome",
    "PanelDraw",
    "Party",
    "Sanction",
    "SanctionKind",
    "Stage",
    "SummaryState",
    "Training",
]
