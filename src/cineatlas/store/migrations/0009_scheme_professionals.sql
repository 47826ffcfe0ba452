-- cineatlas store, schema version 9: the fields of the standard's "professionnels" extension
-- (Etalab, dispositif-aide-professionnels v0.2.0) on schemes, so that a file in the extension
-- is stored whole and can be written back (issue 13, the standard). NULL = not published
-- (unknown); lists are NULL when unknown, never empty. Each value has its
-- scheme_field_sources row like the other catalogue fields. `base_juridique` is stored as
-- scheme_documents of kind official_text. See docs/data-model.md and
-- docs/importers/dispositifs.md.

ALTER TABLE schemes ADD COLUMN min_employees INTEGER;              -- eligibilite_effectif_minimal
ALTER TABLE schemes ADD COLUMN max_employees INTEGER;              -- eligibilite_effectif_maximal
ALTER TABLE schemes ADD COLUMN company_sizes VARCHAR[];            -- eligibilite_categorie_taille_entreprise: MIC | PME | ETI | GE
ALTER TABLE schemes ADD COLUMN min_years_in_existence INTEGER;     -- eligibilite_annees_existence_minimal
ALTER TABLE schemes ADD COLUMN legal_forms VARCHAR[];              -- eligibilite_forme_juridique, as published (SAS, SARL, EI…)
ALTER TABLE schemes ADD COLUMN legal_form_exclusions VARCHAR[];    -- eligibilite_forme_juridique_exclusions
ALTER TABLE schemes ADD COLUMN activity_sectors VARCHAR[];         -- ciblage_secteur_activite, as published
ALTER TABLE schemes ADD COLUMN naf_codes VARCHAR[];                -- ciblage_naf (any level of the NAF: J, 59, 59.11, 59.11A)
ALTER TABLE schemes ADD COLUMN naf_exclusions VARCHAR[];           -- ciblage_naf_exclusions
ALTER TABLE schemes ADD COLUMN payment_of VARCHAR;                 -- chainage_paiement: the `id` of the scheme this one is the payment request of
