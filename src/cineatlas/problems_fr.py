"""French titles and hints of the problem types (`problems.PROBLEM_TYPES`), for the pages
of the atlas: code -> (title, hint). A test checks every declared type has its French."""

from __future__ import annotations

FRENCH: dict[str, tuple[str, str]] = {
    "wrong-field-count": ("Mauvais nombre de cellules",
        "La ligne a plus ou moins de cellules que l'en-tête : cherchez un séparateur non "
        "protégé par des guillemets ou une ligne coupée."),
    "unclosed-quote": ("Guillemet jamais fermé",
        "Une cellule ouvre un guillemet qui ne se ferme jamais ; fermez-le (ou doublez-le : "
        '"") pour que les lignes suivantes redeviennent des lignes.'),
    "rows-in-cell": ("Une cellule semble contenir des lignes entières",
        "Une cellule entre guillemets s'étend sur plusieurs lignes qui ressemblent à des "
        "lignes du tableau : cherchez un guillemet égaré."),
    "blank-row": ("Ligne vide",
        "La ligne n'a aucune valeur ; supprimez-la du fichier."),
    "required": ("Valeur obligatoire manquante",
        "Remplissez ce champ ; la ligne est inutilisable sans lui."),
    "invalid-number": ("Pas un nombre",
        "Écrivez des chiffres avec un séparateur décimal facultatif, par exemple 1234.56 ou 1"
        " 234,56."),
    "invalid-amount": ("Pas un montant",
        "Écrivez un montant comme 15000, 15 000,00 € ou 15000.00."),
    "amount-too-large": ("Montant invraisemblable",
        "Vérifiez le montant : il dépasse toute aide plausible."),
    "negative-amount": ("Montant négatif",
        "Un montant négatif est chargé tel que publié (un remboursement ou une "
        "annulation ?) ; vérifiez-le."),
    "sub-unit-amount": ("Fraction de centime",
        "Le montant a plus de décimales que la devise n'en permet ; il a été arrondi au "
        "centime."),
    "ambiguous-separator": ("Séparateur ambigu",
        "« 1,234 » peut valoir 1,234 ou 1234 : la convention du fichier a été appliquée ; "
        "écrivez les décimales explicitement."),
    "decimal-comma": ("Virgule décimale",
        "Le standard attend un point décimal ; la valeur a été lue avec une virgule décimale."),
    "zero-as-unknown": ("Zéro lu comme inconnu",
        "Cet éditeur écrit 0 là où une valeur est inconnue ; elle est enregistrée comme "
        "inconnue (NULL)."),
    "invalid-date": ("Pas une date",
        "Écrivez les dates sous la forme AAAA-MM-JJ (ISO 8601) ou JJ/MM/AAAA."),
    "non-iso-date": ("Date hors du format ISO",
        "Le standard attend AAAA-MM-JJ ; la date a été lue dans une autre écriture (jour en "
        "premier)."),
    "implausible-date": ("Date invraisemblable",
        "La date sort de la plage plausible pour ce champ ; vérifiez-la."),
    "invalid-integer": ("Pas un nombre entier",
        "Écrivez un nombre entier, par exemple 12."),
    "invalid-boolean": ("Ni oui ni non",
        "Écrivez oui/non (ou true/false)."),
    "non-standard-boolean": ("Oui/non écrit autrement que le standard",
        "La valeur a été comprise ; écrivez-la comme le standard (oui/non)."),
    "pattern": ("Format incorrect",
        "La valeur n'a pas le format exigé par le standard."),
    "enum": ("Valeur hors de la liste",
        "Utilisez l'une des valeurs permises par le standard."),
    "max-length": ("Valeur trop longue",
        "Raccourcissez la valeur à la longueur maximale du standard."),
    "out-of-range": ("Valeur hors limites",
        "La valeur sort de la plage permise par le standard."),
    "unknown-territory": ("Lieu non reconnu",
        "Vérifiez l'orthographe du lieu, ou donnez un code officiel (INSEE, code postal)."),
    "ambiguous-territory": ("Nom de lieu partagé par plusieurs lieux",
        "Le nom désigne plusieurs lieux : la ligne a été placée selon les règles (le message "
        "nomme les lieux et le choix) ; donnez la région, le code postal ou un code officiel "
        "pour trancher."),
    "unknown-value": ("Valeur non reconnue",
        "Ajoutez la valeur au vocabulaire de l'importateur (ou au fichier de correspondance) "
        "si elle est légitime."),
    "too-long": ("Cellule trop longue",
        "La cellule dépasse la taille maximale acceptée par cineatlas ; elle a été coupée."),
    "incorrect-label": ("Intitulé de colonne différent du standard",
        "Renommez la colonne avec l'intitulé du standard (les colonnes sont reconnues par "
        "leur nom, sans tenir compte de la casse ni des accents)."),
    "missing-label": ("Colonne facultative absente",
        "Ajoutez la colonne (des cellules vides conviennent) pour suivre le standard."),
    "extra-label": ("Colonne hors du standard",
        "La colonne est ignorée ; supprimez-la ou renommez-la."),
    "duplicate-label": ("Colonne en double",
        "Deux colonnes portent le même intitulé ; renommez-en une."),
    "decoded-as": ("Fichier non UTF-8",
        "Le fichier a été décodé en Windows-1252/Latin-1 ; enregistrez-le en UTF-8 pour être "
        "sûr des accents."),
    "private-data": ("Données personnelles retirées",
        "Les adresses e-mail et les numéros de téléphone ne sont jamais conservés ; ils ont "
        "été retirés."),
    "currency-mismatch": ("Montant dans une autre devise",
        "Les montants sont conservés exactement dans la devise de la source, jamais "
        "convertis : corrigez le montant, ou importez les lignes dans cette devise comme une "
        "source à part."),
    "invisible-character": ("Caractère invisible retiré",
        "La cellule contenait des caractères invisibles (contrôles, largeur nulle ou marques "
        "de direction) ; ils ont été retirés. Vérifiez la valeur, et l'outil qui l'a écrite."),
    "stray-nul": ("Octets NUL retirés",
        "Quelques octets NUL, qui n'ont jamais leur place dans un texte, ont été retirés des "
        "cellules ; vérifiez les lignes citées et l'outil qui a écrit le fichier."),
    "not-a-record": ("Pas un enregistrement",
        "Une liste d'enregistrements contient une valeur qui n'est pas un objet : retirez-la,"
        " ou faites-en un objet avec les champs de ses voisins."),
    "code-region-mismatch": ("Le code et le lieu ne concordent pas",
        "Le code INSEE est celui d'une commune d'un autre département ou d'une autre région "
        "que le code postal, le département ou la région donnés : la commune désignée par la "
        "plupart des champs a été retenue (le message donne les deux lectures et pourquoi). "
        "Corrigez le champ erroné."),
    "territory-by-name": ("Commune trouvée par son nom, pas par son code",
        "Le code manque, est inconnu ou désigne une autre commune que la commune nommée (et "
        "son code postal) ; la commune a été trouvée par son nom : corrigez le code."),
    "former-commune-code": ("Code d'une ancienne commune",
        "La commune a depuis fusionné avec une autre ; la ligne a été rattachée à la commune "
        "qu'elle a rejointe. Utilisez le code INSEE actuel."),
    "code-name-mismatch": ("Le code et le nom de la commune ne concordent pas",
        "Le code INSEE est celui d'une autre commune du département que celle nommée ; rien "
        "d'autre ne confirmant le nom, la ligne a été rattachée à la commune du code : "
        "vérifiez les deux."),
    "padded-code": ("Code privé de son zéro initial",
        "Le code a été lu avec son zéro initial rétabli (01053, pas 1053) : gardez les codes "
        "en texte, pas en nombres, dans le tableur."),
    "coordinates-outside-france": ("Position hors de France",
        "Le point n'est ni en France métropolitaine ni outre-mer : vérifiez la latitude et la"
        " longitude (degrés décimaux, WGS 84). La position a été laissée vide."),
    "swapped-coordinates": ("Latitude et longitude inversées",
        "Le point ne tombe en France qu'en échangeant latitude et longitude ; il a été lu "
        "ainsi. Écrivez la latitude en premier."),
    "incomplete-coordinates": ("Demi-position",
        "Donnez la latitude et la longitude (degrés décimaux) ; la position a été laissée "
        "vide."),
    "territory-not-in-reference": ("Lieu hors des communes de référence",
        "Le lieu est dans une collectivité d'outre-mer (Polynésie française, Nouvelle-"
        "Calédonie…) dont les communes ne sont pas parmi les territoires de référence ; la "
        "ligne est rattachée à la collectivité entière quand la référence la connaît, sinon "
        "chargée sans territoire."),
    "duplicate-reference": ("Identifiant utilisé par plusieurs lignes",
        "Chaque ligne devrait avoir son propre identifiant ; toutes les lignes ont été "
        "chargées, mais elles peuvent décrire deux fois le même lieu ou le même événement."),
    "number-too-large": ("Nombre trop grand pour être conservé",
        "Aucun cinéma n'en compte autant : la ligne est mise de côté. Vérifiez la cellule (un"
        " code ou un chiffre collé dans la mauvaise colonne ?) et corrigez-la."),
    "inconsistent-art-et-essai": ("Champs Art et Essai incohérents",
        "Le cinéma n'est pas classé Art et Essai mais a une catégorie ou des labels : "
        "vérifiez la colonne AE, la catégorie et les labels."),
    "unknown-reference": ("Référence à un enregistrement absent",
        "L'identifiant ne désigne aucun enregistrement de ce type dans le fichier (ou un "
        "enregistrement sans nom) : corrigez-le, ou ajoutez l'enregistrement auquel il "
        "renvoie."),
    "invalid-list": ("Pas une liste d'identifiants",
        "Écrivez une liste d'identifiants, par exemple [\"tal_jeanne-dupont\"]."),
    "unknown-record-kind": ("Enregistrements d'un type inconnu",
        "L'importateur cnc-commissions lit les listes commissions, projects, talents, people "
        "et beneficiaries : renommez la liste, ou importez-la avec l'importateur generic."),
    "no-name": ("Pas de nom",
        "Le nom n'a ni lettre ni chiffre (« - », « ? ») : il ne désigne personne, et "
        "l'enregistrement est mis de côté. Écrivez le nom de la personne ou du bénéficiaire."),
    "beneficiary-not-given": ("Bénéficiaire non donné",
        "L'aide est chargée sans bénéficiaire ; ajoutez l'identifiant du bénéficiaire s'il "
        "est connu."),
    "category-not-given": ("Catégorie d'aide non donnée",
        "L'aide est chargée sous le fonds lui-même, sans étape ; donnez sa catégorie (par "
        "exemple « Aide à la création »)."),
    "category-session-title": ("La catégorie est un titre de session",
        "La catégorie contient le titre de la session, pas l'aide : l'aide est chargée sous "
        "le fonds (ou l'appel que nomme le titre), avec une étape seulement si le titre en "
        "indique une. Donnez l'aide (par exemple « Aide à la création ») si elle est connue."),
    "category-ambiguous": ("La catégorie nomme plusieurs aides",
        "L'aide est chargée sous le fonds lui-même ; donnez une seule aide."),
    "category-not-recognised": ("Catégorie non reconnue",
        "L'aide est chargée sous le fonds lui-même, sans étape. Ajoutez la catégorie à la "
        "table de l'importateur (docs/importers/cnc-commissions.md) si elle est légitime."),
    "unknown-column": ("Colonne non reconnue",
        "La colonne n'est pas de celles que lit l'importateur ; elle est ignorée. Si elle "
        "compte, ajoutez son intitulé à la table des champs de l'importateur cnc-films-agrees"
        " (docs/importers/cnc-films-agrees.md)."),
    "cell-without-label": ("Valeur dans une colonne sans intitulé",
        "La cellule est dans une colonne dont l'en-tête est vide ; elle a été ignorée. Donnez"
        " un intitulé à la colonne, ou déplacez la valeur dans sa colonne."),
    "sheet-skipped": ("Feuille ignorée",
        "La feuille n'a pas d'en-tête de films agréés (VISA, TITRE…) ; elle n'a pas été lue."),
    "unknown-channel": ("Chaîne de télévision non reconnue",
        "Le mot est gardé comme chaîne sous son écriture publiée. Ajoutez-le à la table des "
        "chaînes de l'importateur (docs/importers/cnc-films-agrees.md) si c'est une chaîne."),
    "no-channel-named": ("Aucune chaîne nommée",
        "Une marque sans lettre ni chiffre (« - », « ? ») ne nomme aucune chaîne : aucun "
        "préachat n'est enregistré. Écrivez le nom de la chaîne s'il y en avait une."),
    "unknown-country": ("Pays non reconnu",
        "Le pays est gardé tel que publié, sans code ISO. Écrivez son nom en français ou en "
        "anglais, ou ajoutez l'abréviation à la table de l'importateur."),
    "shares-not-100": ("Les parts de coproduction ne font pas 100",
        "Les parts sont gardées telles que publiées ; vérifiez-les (l'arrondi à l'entier, "
        "jusqu'à un demi-point par pays, n'est pas signalé)."),
    "unclear-rank": ("Rang peu clair",
        "Le rang est lu dans ses premiers chiffres, et laissé inconnu s'il vaut 0 ou dépasse "
        "200 ; vérifiez-le (1 = premier film, 2 = deuxième, 3 = troisième ou suivant)."),
    "ranks-mismatch": ("Rangs et réalisateurs en nombre différent",
        "Le rang du film est le plus bas des rangs donnés ; les rangs par réalisateur ne sont"
        " pas conservés."),
    "duplicate-visa": ("VISA répété dans une même année",
        "Le même VISA apparaît deux fois dans la feuille : les deux lignes sont chargées "
        "comme une seule œuvre ; vérifiez si l'une est un doublon."),
    "producers-split": ("Producteurs joints par ET lus comme plusieurs",
        "Chaque partie est créditée seule ailleurs dans la liste, donc « A ET B » a été lu "
        "comme deux producteurs ; si c'est une seule société, écrivez-la comme les autres "
        "années."),
    "producers-joined": ("Producteurs lus comme une seule société",
        "« A / B » a été lu comme la société « A ET B », que la liste crédite bien plus "
        "souvent sous ce nom ; si ce sont deux sociétés, vérifiez l'écriture des autres "
        "années."),
    "cut-mark": ("Marque de producteur tronquée",
        "Les noms du CNC sont coupés à 64 caractères : la marque non fermée a été lue comme "
        "la seule marque qu'elle commence (« (TI » est « (TIERS FERME) »)."),
    "no-director": ("Aucun réalisateur publié",
        "Le film est chargé sans réalisateur ; remplissez REALISATEUR s'il est connu."),
    "interpreted-value": ("Valeur interprétée",
        "Le texte n'est pas l'une des valeurs attendues ; il a été lu comme la plus proche "
        "(voir la documentation de l'importateur). Écrivez l'une des valeurs de la liste."),
    "invalid-year": ("Pas une année",
        "Écrivez l'année sous la forme AAAA (2023) ou un exercice sous la forme AAAA-AAAA "
        "(2023-2024)."),
    "year-from-date": ("Une date là où une année était attendue",
        "La cellule contient une date (un tableur a changé l'année en date) ; l'année en a "
        "été tirée. Formatez la colonne en texte ou en nombre simple."),
    "position-of-code-commune": ("Position de la commune désignée par le code",
        "La position est celle de la commune du code INSEE, pas de la commune nommée (le code"
        " s'est révélé faux, voir territory-by-name) ; elle a été laissée vide."),
    "inconsistent-decade": ("Année et décennie de création incohérentes",
        "L'année de création ne tombe pas dans la décennie de création ; vérifiez les deux."),
    "unmapped-value": ("Valeur absente de la correspondance",
        "Le libellé n'est ni dans les valeurs du fichier de correspondance pour ce champ ni "
        "parmi les libellés usuels : ajoutez-le (libellé publié = valeur canonique) au "
        "fichier de correspondance. Le champ a été chargé comme inconnu."),
    "amount-not-given": ("Montant non donné",
        "La cellule du montant est vide : l'aide est chargée avec un montant inconnu (NULL)."),
    "invalid-currency": ("Devise non reconnue",
        "Écrivez la devise en code ISO 4217 (EUR, CAD…) ou en symbole (€) ; un montant sans "
        "devise ne peut pas être chargé."),
    "total-row": ("Ligne de total",
        "Un total ou un sous-total n'est pas une aide : la ligne a été mise de côté. Retirez "
        "les lignes de total de la liste (ou laissez-les : elles ne sont jamais chargées)."),
    "no-beneficiary": ("Pas de bénéficiaire",
        "La cellule du bénéficiaire est vide : l'aide est chargée sans bénéficiaire. "
        "Remplissez-la."),
    "french-siret-value": ("SIRET invalide",
        "Un SIRET compte 14 chiffres dont la clé de Luhn est juste (établissements de La "
        "Poste exceptés) ; vérifiez-le sur annuaire-entreprises.data.gouv.fr."),
    "one-of-required": ("Aucun identifiant du bénéficiaire",
        "Le standard demande idBeneficiaire (SIRET) ou, pour une association qui n'en a pas, "
        "rnaBeneficiaire (numéro RNA : W suivi de 9 chiffres)."),
    "non-standard-number": ("Nombre écrit autrement que le standard",
        "Écrivez des chiffres avec un point décimal et rien d'autre (ni espaces, ni "
        "séparateurs de milliers, ni devise), par exemple 47800.20."),
    "missing-amount": ("Pas de montant",
        "La ligne n'a pas de montant : elle ne peut pas être chargée comme une aide. "
        "Remplissez le montant."),
    "year-only-date": ("Une année, pas une date",
        "La cellule ne contient qu'une année : l'exercice de l'aide est cette année, sa date "
        "reste inconnue. Écrivez la date sous la forme AAAA-MM-JJ."),
    "not-awarded": ("Pas une aide",
        "statutLabel indique que la subvention n'a pas été accordée (refusée, inéligible ou "
        "encore à l'examen) : la ligne n'est pas une aide et a été mise de côté."),
    "unknown-funder": ("Financeur non reconnu",
        "L'échelon du financeur (commune, EPCI, département, région…) ou le territoire qu'il "
        "administre n'a pas pu être trouvé par son SIREN ou son nom : donnez son SIRET dans "
        "idAttribuant."),
    "wrapped-table": ("Un tableau dans un tableau",
        "Le fichier est un tableau enregistré dans la première colonne d'un autre, avec un "
        "autre séparateur (un tableur l'a ouvert avec le mauvais, puis l'a enregistré) : "
        "chaque ligne a été relue. Enregistrez de nouveau le tableau en CSV avec un seul "
        "séparateur."),
    "split-number": ("Nombre coupé par une virgule décimale sans guillemets",
        "Le nombre est écrit avec une virgule décimale dans un fichier séparé par des "
        "virgules, sans guillemets ; sa partie décimale est passée dans la cellule suivante ;"
        " les deux ont été réunies. Mettez ces cellules entre guillemets, ou écrivez les "
        "nombres avec un point décimal (100000.00)."),
    "split-text": ("Texte coupé par une virgule sans guillemets",
        "Le texte contient des virgules mais n'est pas entre guillemets dans un fichier "
        "séparé par des virgules ; il a été coupé en plusieurs cellules, qui ont été réunies."
        " Mettez entre guillemets les cellules qui contiennent le séparateur."),
    "amount-not-published": ("Montant non publié",
        "La cellule est vide : le montant est enregistré comme inconnu (NULL). Remplissez-la "
        "s'il est connu."),
    "unknown-purpose": ("Programme non reconnu",
        "L'aide est chargée sans étape. Ajoutez le programme à la table des étapes de "
        "l'importateur telefilm (docs/importers/telefilm.md) s'il est légitime."),
    "province-not-given": ("Province non donnée",
        "Téléfilm écrit 0 ou rien là où le lieu est inconnu ; l'aide est chargée sans lieu. "
        "Écrivez la province ou l'État (et le pays hors du Canada)."),
    "territory-mismatch": ("La province et le pays ne concordent pas",
        "La province ou l'État se trouve dans un autre pays que celui donné ; seul le pays a "
        "été gardé. Corrigez l'un des deux."),
    "invalid-fiscal-period": ("Pas un exercice",
        "Écrivez l'exercice sous la forme AAAA-AAAA (par exemple 2009-2010, du 1er avril au "
        "31 mars) ; l'exercice a été tiré de la date à la place."),
    "amended-contract-not-found": ("Contrat modifié introuvable",
        "Comments indique que la ligne modifie un contrat signé à cette date, mais aucune "
        "ligne antérieure du même bénéficiaire et du même titre n'a cette date (le contrat "
        "peut précéder les fichiers importés) : la ligne compte comme un contrat à part. "
        "Importez le fichier qui contient le contrat, ou vérifiez l'écriture du bénéficiaire "
        "et du titre."),
    "ambiguous-amendment": ("Avenant de quel contrat ?",
        "Comments nomme une date de signature à laquelle le bénéficiaire a signé plusieurs "
        "contrats pour ce titre (même programme, même valeur d'origine) : la ligne compte "
        "comme un contrat à part. Vérifiez quel contrat elle modifie."),
    "amendment-date-not-read": ("Avenant sans date",
        "Comments indique que la ligne est un avenant mais ne donne aucune date lisible "
        "(écrivez-la 21-OCT-08 ou 2008-10-21) : la ligne compte comme un contrat à part."),
    "date-outside-period": ("Date hors de l'exercice",
        "La date ne tombe pas entre le 1er avril et le 31 mars de l'exercice donné ; les deux"
        " ont été chargés tels que publiés. Vérifiez l'exercice ou la date."),
    # -- issue 13: catalogue (cnc-schemes)
    "duplicate-name": ("Nom déjà listé",
        "La liste donne ce dispositif deux fois (même nom, sans tenir compte des majuscules, "
        "des accents ni de la ponctuation) : le premier est chargé, celui-ci mis de côté. "
        "Supprimez la répétition."),
    "not-a-name": ("Pas un nom",
        "La liste contient une valeur qui ne nomme rien : pas du texte (un nombre, une "
        "liste, un objet) ou un texte sans lettre ni chiffre (« - », « ? »). Écrivez le nom "
        "du dispositif en texte, ou supprimez la valeur."),
    "truncated-name": ("Nom probablement tronqué",
        "La page des résultats du CNC coupe les noms longs de dispositifs ; celui-ci a la "
        "longueur où la page les coupe et ne ferme pas sa parenthèse : il est probablement "
        "tronqué. Il est chargé tel que publié ; le catalogue n'en lit que les mots."),
    "count-mismatch": ("Le total ne correspond pas à la liste",
        "totalAids annonce un nombre de dispositifs que la liste ne contient pas : la liste "
        "est lue telle quelle. Vérifiez que le fichier est complet."),
    # -- issue 13: the standard (dispositifs, scheme-catalogue)
    "not-a-uuid": ("Identifiant qui n'est pas un UUID",
        "L'id du standard est un UUID ; l'identifiant propre au porteur est gardé tel "
        "qu'écrit. Utilisez un UUID si vous créez les identifiants."),
    "date-without-time": ("Date sans heure",
        "Le standard écrit des dates avec l'heure (2025-10-15T00:00:00Z) ; la date a été "
        "lue à 00 h."),
    "standard-error": ("Non conforme au standard",
        "Corrigez la valeur comme le dit le message (schéma des dispositifs d'aides)."),
    "invalid-porteurs": ("Porteurs illisibles",
        'Écrivez les porteurs en liste : [{"nom": "Région Nouvelle-Aquitaine", "siren": '
        '"200053759", "roles": ["financeur"]}] (l\'écriture du standard, clés sans '
        "guillemets et apostrophes, est lue aussi)."),
    "invalid-legal-texts": ("Bases juridiques illisibles",
        'Écrivez-les en liste : [{"libelle": "Arrêté n° 123456", "lien": "https://…"}].'),
    "unknown-role": ("Rôle absent de la liste du standard",
        "Le rôle est gardé tel qu'écrit ; les rôles du standard sont financeur, instructeur, "
        "porteur, animateur, partenaire et distributeur."),
    "invalid-siren": ("Pas un SIREN",
        "Un SIREN a 9 chiffres ; le porteur a été chargé sans lui. Vérifiez-le sur "
        "annuaire-entreprises.data.gouv.fr."),
    "duplicate-id": ("Identifiant donné deux fois",
        "Deux lignes ont le même id : donnez à chaque dispositif son identifiant (la "
        "première a été chargée)."),
    "invalid-url": ("Pas une adresse web",
        "url_source doit commencer par http:// ou https:// ; le dispositif a été chargé "
        "sans elle."),
    "json-list": ("Liste écrite en JSON",
        "Le standard écrit les listes valeur1|valeur2 ; la liste a été lue ainsi."),
    "no-source": ("Une valeur sans sa source",
        "La règle du catalogue est « pas de valeur sans source » : ajoutez le champ à "
        "la table [schemes.sources] du dispositif (une URL ou une référence), ou une source "
        "`default`, ou retirez la valeur."),
    "unknown-key": ("Clé absente du format du catalogue",
        "La clé est ignorée : corrigez son orthographe (docs/importers/scheme-catalogue.md "
        "donne les clés) ou retirez-la."),
    "unknown-code": ("Code absent du vocabulaire",
        "Utilisez l'un des codes que donne le message (cineatlas.store.vocabularies)."),
    "wrong-type": ("Valeur du mauvais type",
        "Écrivez la valeur comme le dit le format (du texte entre guillemets, une liste entre "
        '[ ], une date 2026-03-31, un montant "5000.00").'),
    "source-without-value": ("Une source pour un champ absent",
        "La source est ignorée : donnez la valeur du champ, ou retirez la source."),
    "unknown-parent": ("Dispositif parent absent du fichier",
        "parent est l'id d'un autre dispositif du même fichier ; le dispositif a été chargé "
        "sans son parent."),
    "amount-order": ("Montants dans le désordre",
        "Vérifiez les montants : le minimum dépasse le maximum, ou le montant habituel est "
        "hors de ces bornes."),
}
