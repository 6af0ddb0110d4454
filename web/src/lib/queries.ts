import { graphql } from './graphql/generated';

export const ProblemFields = graphql(`
  fragment Problem on UserError {
    field
    message
    code
  }
`);

/** A body to contact, as results, access routes and "whom to ask" show it. */
export const ContactFields = graphql(`
  fragment Contact on DataAccessBody {
    identifier
    name
    kind
    contactEmail
    applicationUrl
    operationalStatus
  }
`);

/** Whether a research purpose is allowed, and the conditions to accept or the reasons it is not. */
export const UseAssessmentFields = graphql(`
  fragment UseAssessmentItem on UseAssessment {
    outcome
    permitted
    conditions {
      code
      shorthand
      description
      value
    }
    reasons {
      code
      shorthand
      description
    }
  }
`);

/** One of the people to ask: a route step's body, or an organisation holding part of the data. */
export const AccessContactFields = graphql(`
  fragment AccessContactItem on AccessContact {
    reason
    hasRegisteredBody
    step {
      requirement
    }
    organisation {
      identifier
      name
      contactEmail
      homepage
    }
    body {
      ...Contact
    }
  }
`);

/** Everything about a cohort: the landing page shows it and the editor sends it back unchanged. */
export const CohortFields = graphql(`
  fragment Cohort on CohortDescriptor {
    numberOfUniqueIndividuals
    numberOfRecords
    numberOfSamples
    numberOfFamilies
    sexDistribution {
      female
      male
      otherOrUnknown
    }
    minTypicalAge
    maxTypicalAge
    populationCoverage
    diseases {
      iri
      label
      system
    }
    phenotypes {
      iri
      label
      system
    }
    sampleTypes
    sequencing {
      assays
      panelName
      platform
      meanCoverage
      readLength
    }
    genomeBuild {
      name
      accession
    }
    variantTypes
    pedigreeStructure
    countsSource
  }
`);

export const DiscoverDatasets = graphql(`
  query DiscoverDatasets(
    $query: String
    $filter: DatasetFilter
    $sort: DatasetSort
    $first: Int
    $after: String
    $purpose: ResearchPurposeInput!
    $assess: Boolean!
    $language: String
  ) {
    datasets(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      facets {
        field
        buckets {
          value
          label
          displayCount
        }
      }
      edges {
        node {
          id
          identifier
          title(language: $language)
          description(language: $language)
          status
          withdrawalReason
          diagnosticArea
          cohort {
            numberOfUniqueIndividuals
            sequencing {
              assays
            }
          }
          consent {
            duoPermission
            duoModifiers {
              code
              value
            }
            diseaseRestrictions
          }
          dataHolders {
            identifier
            name(language: $language)
            type
          }
          accessContacts {
            ...AccessContactItem
          }
          useAssessment(purpose: $purpose) @include(if: $assess) {
            ...UseAssessmentItem
          }
        }
      }
    }
  }
`);

/** Cursors and the total: the walk to where page N starts (lib/paging.ts), so any page in the address reopens. */
export const PageCursors = graphql(`
  query PageCursors($query: String, $filter: DatasetFilter, $sort: DatasetSort, $first: Int, $after: String) {
    datasets(query: $query, filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      edges {
        cursor
      }
    }
  }
`);

export const DuoTerms = graphql(`
  query DuoTerms {
    duoTerms {
      code
      shorthand
      label
      definition
      kind
      obsolete
    }
  }
`);

/** MONDO disease terms by label word prefixes or by id, for the disease pickers. */
export const DiseaseSuggestions = graphql(`
  query DiseaseSuggestions($query: String!, $first: Int!) {
    diseaseTerms(query: $query, first: $first) {
      id
      label
    }
  }
`);

export const DatasetPage = graphql(`
  query DatasetPage($id: ID!, $language: String, $purpose: ResearchPurposeInput!, $assess: Boolean!) {
    dataset(id: $id) {
      id
      identifier
      version
      status
      issued
      modified
      withdrawalReason
      title(language: $language)
      description(language: $language)
      keywords(language: $language)
      diagnosticArea
      releaseVersion
      accessRights
      publisher {
        identifier
        name(language: $language)
        homepage
      }
      dataHolders {
        identifier
        name(language: $language)
        type
      }
      cohort {
        ...Cohort
      }
      consent {
        duoPermission
        duoModifiers {
          code
          value
        }
        diseaseRestrictions
        consentType
      }
      accessRoute {
        accessMode
        applicationUrl
        contactEmail
        expectedTurnaroundDays
        fees
        steps {
          order
          requirement
          description
          body {
            ...Contact
          }
        }
      }
      accessContacts {
        ...AccessContactItem
      }
      useAssessment(purpose: $purpose) @include(if: $assess) {
        ...UseAssessmentItem
      }
      wasGeneratedBy {
        title
        acronym
        description
        registration
      }
      publications {
        title
        doi
        pmid
        authorsShort
        journal
        year
        url
      }
      distributions {
        title
        accessUrl
      }
      healthEconomicEvaluations {
        identifier
        title
        evaluationType
        perspective
        timeHorizon
        country
        currency
        priceYear
        priceYearNote
        cheersCompliant
        results {
          measure
          value
          unit
          statement
          amount {
            amount
            currency
            priceYear
            priceYearNotReported
            per
          }
        }
      }
    }
  }
`);

export const ManagedDatasets = graphql(`
  query ManagedDatasets($filter: DatasetFilter, $first: Int, $after: String) {
    datasets(filter: $filter, sort: MODIFIED_DESC, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          identifier
          title
          status
          version
          modified
          ownerOrganisation {
            identifier
            name
          }
        }
      }
    }
  }
`);

export const DatasetForEdit = graphql(`
  query DatasetForEdit($id: ID!) {
    dataset(id: $id) {
      id
      identifier
      version
      status
      withdrawalReason
      language
      title
      description
      titleTranslations {
        language
        value
      }
      descriptionTranslations {
        language
        value
      }
      keywords
      diagnosticArea
      publisher {
        identifier
      }
      dataHolders {
        identifier
      }
      hdab {
        identifier
      }
      distributions {
        id
        title
        accessUrl
        downloadUrl
        formats {
          label
          edam
          mediaType
        }
        mediaType
        byteSize
        license
        accessMode
        hostingLocation
        encryption
      }
      cohort {
        ...Cohort
      }
      consent {
        duoPermission
        duoModifiers {
          code
          value
        }
        diseaseRestrictions
        consentType
        consentFormVersion
        legalBases
        nationalLegalBasis
        ethicsApproval {
          authority
          reference
          date
        }
        returnOfResults
        withdrawalProcess
      }
      accessRoute {
        accessMode
        accessBody {
          identifier
        }
        applicationUrl
        contactEmail
        expectedTurnaroundDays
        fees
        languages
        steps {
          order
          requirement
          description
          body {
            identifier
          }
        }
      }
    }
  }
`);

export const EditorChoices = graphql(`
  query EditorChoices {
    organisations(first: 100) {
      edges {
        node {
          identifier
          name
          type
        }
      }
    }
    accessBodies(first: 100) {
      edges {
        node {
          identifier
          name
          kind
        }
      }
    }
  }
`);

export const CreateDataset = graphql(`
  mutation CreateDataset($input: DatasetInput!) {
    createDataset(input: $input) {
      dataset {
        id
        version
      }
      userErrors {
        ...Problem
      }
    }
  }
`);

export const UpdateDataset = graphql(`
  mutation UpdateDataset($id: ID!, $expectedVersion: Int!, $input: DatasetPatch!) {
    updateDataset(id: $id, expectedVersion: $expectedVersion, input: $input) {
      dataset {
        id
        version
      }
      userErrors {
        ...Problem
      }
    }
  }
`);

export const PublishDataset = graphql(`
  mutation PublishDataset($id: ID!) {
    publishDataset(id: $id) {
      dataset {
        id
        version
        status
      }
      userErrors {
        ...Problem
      }
    }
  }
`);

export const WithdrawDataset = graphql(`
  mutation WithdrawDataset($id: ID!, $reason: String!) {
    withdrawDataset(id: $id, reason: $reason) {
      dataset {
        id
        version
        status
      }
      userErrors {
        ...Problem
      }
    }
  }
`);

/** A catalogue file in the example-catalogue JSON shape, checked (dry run) or imported all or nothing. */
export const ImportCatalogue = graphql(`
  mutation ImportCatalogue($input: JSON!, $dryRun: Boolean, $publish: Boolean) {
    importCatalogue(input: $input, dryRun: $dryRun, publish: $publish) {
      report {
        dryRun
        committed
        created
        updated
        unchanged
        failed
        problems {
          sheet
          row
          field
          message
          code
        }
        warnings {
          sheet
          row
          field
          message
          code
        }
      }
      userErrors {
        ...Problem
      }
    }
  }
`);

/** The catalogues harvested into this one and their latest runs (admins: all; data managers: their own). */
export const HarvestOverview = graphql(`
  query HarvestOverview {
    harvestSources(first: 100) {
      edges {
        node {
          id
          identifier
          title
          url
          kind
          schedule
          enabled
          version
          lastRunAt
          organisation {
            identifier
            name
          }
        }
      }
    }
    harvestRuns(first: 20) {
      edges {
        node {
          id
          url
          kind
          mode
          outcome
          startedAt
          durationMs
          documents
          created
          updated
          unchanged
          withdrawn
          failed
          source {
            identifier
            title
          }
          errors {
            identifier
            field
            message
          }
        }
      }
    }
  }
`);

export const CreateHarvestSource = graphql(`
  mutation CreateHarvestSource($input: HarvestSourceInput!) {
    createHarvestSource(input: $input) {
      harvestSource {
        id
      }
      userErrors {
        ...Problem
      }
    }
  }
`);

export const SetHarvestSourceEnabled = graphql(`
  mutation SetHarvestSourceEnabled($id: ID!, $expectedVersion: Int!, $enabled: Boolean!) {
    updateHarvestSource(id: $id, expectedVersion: $expectedVersion, input: { enabled: $enabled }) {
      harvestSource {
        id
      }
      userErrors {
        ...Problem
      }
    }
  }
`);
