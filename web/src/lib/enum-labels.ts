import type { AccessMode, Assay, DiagnosticArea } from './graphql/generated/graphql';

/** Readable names of the API's enum values, facet fields and DUO shorthands, in both interface languages. */
type Table = Record<string, string>;
export interface EnumTables {
  // Every value of the enums a search filters by, so the tables also tell which values a filter takes.
  DiagnosticArea: Record<DiagnosticArea, string>;
  Assay: Record<Assay, string>;
  AccessMode: Record<AccessMode, string>;
  AccessRequirement: Table;
  DataAccessBodyKind: Table;
  ConsentType: Table;
  PrimaryPurpose: Table;
  RecordStatus: Table;
  DatasetSort: Table;
  FacetField: Table;
  Duo: Table;
}
export type EnumName = keyof EnumTables;

const enTables: EnumTables = {
  DiagnosticArea: {
    RARE_DISEASES: 'Rare diseases',
    HEREDITARY_CANCER: 'Hereditary cancer',
    SOLID_TUMOURS: 'Solid tumours',
    HAEMATOLOGICAL_MALIGNANCIES: 'Haematological malignancies',
    CHILDHOOD_CANCER: 'Childhood cancer',
    INFECTIOUS_DISEASES: 'Infectious diseases',
    PHARMACOGENOMICS: 'Pharmacogenomics',
    COMPLEX_DISEASES: 'Complex diseases',
  },
  Assay: {
    WGS: 'Whole-genome sequencing',
    WES: 'Whole-exome sequencing',
    PANEL: 'Gene panel',
    WTS: 'Whole-transcriptome sequencing',
    LONG_READ_WGS: 'Long-read whole-genome sequencing',
    PATHOGEN_WGS: 'Pathogen whole-genome sequencing',
    METAGENOMICS: 'Metagenomics',
    ARRAY: 'Genotyping array',
  },
  AccessMode: {
    SECURE_PROCESSING_ENVIRONMENT: 'Secure processing environment',
    CONTROLLED_DOWNLOAD: 'Controlled download',
    FEDERATED_QUERY: 'Federated query',
    AGGREGATE_ONLY: 'Aggregate data only',
    OPEN: 'Open',
  },
  AccessRequirement: {
    ETHICS_APPROVAL: 'Ethics approval',
    DAC_REVIEW: 'Data access committee review',
    CONTROLLER_DISCLOSURE_DECISION: 'Disclosure decision by the data controller',
    BIOBANK_DECISION: 'Biobank decision',
    DATA_TRANSFER_AGREEMENT: 'Data transfer agreement',
    JOINT_CONTROLLER_AGREEMENT: 'Joint controller agreement',
    HDAB_PERMIT: 'Health data access body permit',
    DPA: 'Data processing agreement',
  },
  DataAccessBodyKind: {
    DAC: 'Data access committee',
    REGIONAL_DISCLOSURE_FUNCTION: 'Regional disclosure function',
    BIOBANK: 'Biobank',
    HDAB: 'Health data access body',
    ETHICS_AUTHORITY: 'Ethics authority',
  },
  ConsentType: {
    INFORMED_BROAD: 'Broad informed consent',
    INFORMED_SPECIFIC: 'Specific informed consent',
    OPT_OUT: 'Opt-out',
    NOT_REQUIRED_CLINICAL: 'Not required (clinical care)',
    WAIVED_BY_ETHICS: 'Waived by the ethics authority',
    NOT_APPLICABLE_NON_HUMAN: 'Not applicable (non-human)',
  },
  PrimaryPurpose: {
    GENERAL_RESEARCH: 'General research',
    HEALTH_MEDICAL_BIOMEDICAL: 'Health, medical or biomedical research',
    DISEASE_SPECIFIC: 'Research on specific diseases',
    POPULATION_ORIGINS_ANCESTRY: 'Population origins or ancestry',
  },
  RecordStatus: { DRAFT: 'Draft', PUBLISHED: 'Published', WITHDRAWN: 'Withdrawn' },
  DatasetSort: { RELEVANCE: 'Relevance', TITLE: 'Title', MODIFIED_DESC: 'Recently changed', INDIVIDUALS_DESC: 'Most individuals' },
  FacetField: {
    publisher: 'Publisher',
    holdingRegion: 'Holding region',
    diagnosticArea: 'Diagnostic area',
    assay: 'Assay',
    disease: 'Disease',
    duoPermission: 'Consent permission',
    accessMode: 'Access mode',
    accessBody: 'Deciding body',
    genomeBuild: 'Genome build',
    individuals: 'Individuals',
  },
  Duo: {
    GRU: 'General research use',
    HMB: 'Health, medical or biomedical research',
    DS: 'Disease-specific research',
    POA: 'Population origins or ancestry research only',
    NRES: 'No restriction',
    GS: 'Only in these countries',
    TS: 'Only for a limited time',
    MOR: 'No publication before a date',
    NPU: 'Not-for-profit use only',
    NCU: 'Non-commercial use only',
    NPUNCU: 'Not-for-profit, non-commercial use only',
    PUB: 'Results must be published',
    IRB: 'Ethics approval required',
    COL: 'Collaboration with the study team required',
    RTN: 'Results must be returned to the database',
    US: 'Only for the approved user',
    PS: 'Only for the approved project',
    IS: 'Only at the approved institution',
    NMDS: 'No general methods development',
    GSO: 'Genetic studies only',
    NPOA: 'No population or ancestry research',
    RS: 'Only this research type',
    CC: 'Clinical care use allowed',
    GENETIC: 'Genetic studies only',
  },
};

const svTables: EnumTables = {
  DiagnosticArea: {
    RARE_DISEASES: 'Sällsynta sjukdomar',
    HEREDITARY_CANCER: 'Ärftlig cancer',
    SOLID_TUMOURS: 'Solida tumörer',
    HAEMATOLOGICAL_MALIGNANCIES: 'Hematologiska maligniteter',
    CHILDHOOD_CANCER: 'Barncancer',
    INFECTIOUS_DISEASES: 'Infektionssjukdomar',
    PHARMACOGENOMICS: 'Farmakogenomik',
    COMPLEX_DISEASES: 'Komplexa sjukdomar',
  },
  Assay: {
    WGS: 'Helgenomsekvensering',
    WES: 'Helexomsekvensering',
    PANEL: 'Genpanel',
    WTS: 'Heltranskriptomsekvensering',
    LONG_READ_WGS: 'Helgenomsekvensering med långa läsningar',
    PATHOGEN_WGS: 'Helgenomsekvensering av patogener',
    METAGENOMICS: 'Metagenomik',
    ARRAY: 'Genotypningsarray',
  },
  AccessMode: {
    SECURE_PROCESSING_ENVIRONMENT: 'Säker behandlingsmiljö',
    CONTROLLED_DOWNLOAD: 'Kontrollerad nedladdning',
    FEDERATED_QUERY: 'Federerad fråga',
    AGGREGATE_ONLY: 'Endast aggregerade data',
    OPEN: 'Öppen',
  },
  AccessRequirement: {
    ETHICS_APPROVAL: 'Etikgodkännande',
    DAC_REVIEW: 'Granskning av dataåtkomstkommitté',
    CONTROLLER_DISCLOSURE_DECISION: 'Utlämnandebeslut av personuppgiftsansvarig',
    BIOBANK_DECISION: 'Biobanksbeslut',
    DATA_TRANSFER_AGREEMENT: 'Avtal om dataöverföring',
    JOINT_CONTROLLER_AGREEMENT: 'Avtal om gemensamt personuppgiftsansvar',
    HDAB_PERMIT: 'Tillstånd från organ för tillgång till hälsodata',
    DPA: 'Personuppgiftsbiträdesavtal',
  },
  DataAccessBodyKind: {
    DAC: 'Dataåtkomstkommitté',
    REGIONAL_DISCLOSURE_FUNCTION: 'Regional utlämnandefunktion',
    BIOBANK: 'Biobank',
    HDAB: 'Organ för tillgång till hälsodata',
    ETHICS_AUTHORITY: 'Etikmyndighet',
  },
  ConsentType: {
    INFORMED_BROAD: 'Brett informerat samtycke',
    INFORMED_SPECIFIC: 'Specifikt informerat samtycke',
    OPT_OUT: 'Möjlighet att avböja (opt-out)',
    NOT_REQUIRED_CLINICAL: 'Krävs inte (klinisk vård)',
    WAIVED_BY_ETHICS: 'Undantaget av etikmyndigheten',
    NOT_APPLICABLE_NON_HUMAN: 'Ej tillämpligt (icke-mänskligt)',
  },
  PrimaryPurpose: {
    GENERAL_RESEARCH: 'Allmän forskning',
    HEALTH_MEDICAL_BIOMEDICAL: 'Hälso-, medicinsk eller biomedicinsk forskning',
    DISEASE_SPECIFIC: 'Forskning om vissa sjukdomar',
    POPULATION_ORIGINS_ANCESTRY: 'Befolkningens ursprung eller härstamning',
  },
  RecordStatus: { DRAFT: 'Utkast', PUBLISHED: 'Publicerat', WITHDRAWN: 'Återkallat' },
  DatasetSort: { RELEVANCE: 'Relevans', TITLE: 'Titel', MODIFIED_DESC: 'Senast ändrade', INDIVIDUALS_DESC: 'Flest individer' },
  FacetField: {
    publisher: 'Utgivare',
    holdingRegion: 'Region som innehar data',
    diagnosticArea: 'Diagnostiskt område',
    assay: 'Analys',
    disease: 'Sjukdom',
    duoPermission: 'Samtyckets tillstånd',
    accessMode: 'Åtkomstsätt',
    accessBody: 'Beslutande organ',
    genomeBuild: 'Referensgenom',
    individuals: 'Individer',
  },
  Duo: {
    GRU: 'Allmän forskning',
    HMB: 'Hälso-, medicinsk eller biomedicinsk forskning',
    DS: 'Sjukdomsspecifik forskning',
    POA: 'Endast forskning om befolkningens ursprung eller härstamning',
    NRES: 'Ingen begränsning',
    GS: 'Endast i dessa länder',
    TS: 'Endast under begränsad tid',
    MOR: 'Ingen publicering före ett datum',
    NPU: 'Endast icke-vinstdrivande användning',
    NCU: 'Endast icke-kommersiell användning',
    NPUNCU: 'Endast icke-vinstdrivande, icke-kommersiell användning',
    PUB: 'Resultaten måste publiceras',
    IRB: 'Etikgodkännande krävs',
    COL: 'Samarbete med studiegruppen krävs',
    RTN: 'Resultaten ska återföras till databasen',
    US: 'Endast för godkänd användare',
    PS: 'Endast för godkänt projekt',
    IS: 'Endast vid godkänd institution',
    NMDS: 'Ingen allmän metodutveckling',
    GSO: 'Endast genetiska studier',
    NPOA: 'Ingen forskning om befolkningens ursprung',
    RS: 'Endast denna forskningstyp',
    CC: 'Användning i klinisk vård tillåten',
    GENETIC: 'Endast genetiska studier',
  },
};

export const enumLabels: Record<'en' | 'sv', EnumTables> = { en: enTables, sv: svTables };
