"""The long French labels of the SCDL fields: each field's `title` in the published schemas
("Nom de l'attribuant" for nomAttribuant), which the first subsidy files (SCDL 1.x, written
after the arrêté of 17 November 2017) used as their header, and the columns of those files
that the 2.x versions dropped. A test checks the titles against both published schemas.
"""

from __future__ import annotations

from cineatlas.importers.scdl.schema import label_key

#: The `title` of each field in the published schemas (2.1.1 and the draft agree on the
#: fields they share, except idServiceInstructeur, whose draft title repeats idAttribuant's).
TITLES: dict[str, str] = {
    "idSubvention": "Identifiant de la subvention",
    "nomAttribuant": "Nom de l'attribuant",
    "idAttribuant": "Identification de l'attribuant",
    "nomServiceInstructeur": "Nom du service instructeur",
    "nomBeneficiaire": "Nom du bénéficiaire",
    "idBeneficiaire": "Identification SIRET du bénéficiaire",
    "rnaBeneficiaire": "Identification RNA du bénéficiaire",
    "exerciceBudgetaire": "Exercice budgétaire",
    "pluriannualite": "Pluriannualité de la subvention",
    "anneesPluriannualite": "Années de la pluriannualité",
    "dateDecision": "Date de décision",
    "dateConvention": "Date de la convention de subvention",
    "referenceDecision": "Référence de la décision",
    "dateCreation": "Date création du dossier",
    "dateDebut": "Date de début du projet",
    "dateFin": "Date de fin du projet",
    "dispositif": "Dispositif de subvention",
    "sousDispositif": "Sous-dispositif de subvention",
    "statutLabel": "Statut de la demande de subvention",
    "objet": "Objet de la subvention",
    "nature": "Nature de la subvention",
    "montantDemande": "Montant de la demande de subvention",
    "montant": "Montant total de la subvention",
    "nomOutilInstruction": "Nom de l'outil d'instruction",
    "nomOutilVersement": "Nom de l'outil de versement",
    "ej": "engagement juridique de la demande de subvention",
    "cléVersement": "Clé de versement",
    "conditionsVersement": "Conditions de versement de la subvention",
    "descriptionConditionsVersement": "Description des conditions de versement de la subvention",
    "datesPeriodeVersement": "Date ou période de versement",
    "cofinancement": "Cofinancement",
    "attribuantsCofinanceurs": "Attribuants cofinanceurs du projet",
    "idCofinancement": "Identification du pojet cofinancé",  # sic
    "idRAE": "Identifiant RAE de l’aide au titre de laquelle la subvention est attribuée",
    "notificationUE": "Aide d'Etat notifiée à la Commission Européenne",
    "pourcentageSubvention": (
        "Pourcentage du montant total de la subvention attribuée au bénéficiaire"
    ),
    "evaluationCout": "Evaluation du coût",
    "evaluation": "Evaluation du projet",
    "dateMiseAJour": "Date de mise à jour",
    "dispositifAide": "Identifiant référençant le dispositif d'aide à l'origine de la subvention",
}

#: Labels of the first files that are no title of the current schemas, by field.
OLD_LABELS: dict[str, str] = {
    "Identification du bénéficiaire": "idBeneficiaire",  # a SIRET or a SIREN
}

#: Columns of the first files that the 2.x versions dropped: read, not stored.
DROPPED: dict[str, str] = {
    "Montant du prêt": "the amount of a loan",
    "Montant de la garantie": "the amount of a loan guarantee",
    "Détail des avantages en nature": "what an aid in kind consists of",
    "Estimation des avantages en nature": "the estimated value of an aid in kind",
}

#: label_key of a long label -> the field it names.
LONG_LABEL_KEYS: dict[str, str] = {
    **{label_key(title): name for name, title in TITLES.items()},
    **{label_key(label): name for label, name in OLD_LABELS.items()},
}
#: label_key of a dropped column -> what it held.
DROPPED_KEYS: dict[str, str] = {label_key(label): what for label, what in DROPPED.items()}
