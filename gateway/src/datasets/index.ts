/** Datasets: declarations, field values, CSV and JSON-lines import. */
export { canonicalJson } from './canonical-json.ts';
export {
  type DatasetDetails,
  type DatasetSummary,
  declareDataset,
  describeDataset,
  listDatasetSummaries,
} from './catalog.ts';
export {
  CsvParser,
  type CsvParserOptions,
  type CsvRecord,
  CsvSyntaxError,
  formatCsvField,
  formatCsvRecord,
  parseCsv,
} from './csv.ts';
export {
  type DatasetDeclaration,
  type DatasetDeclarationInput,
  DatasetDeclarationSchema,
  DatasetNameSchema,
  FIELD_TYPES,
  type FieldDeclaration,
  FieldDeclarationSchema,
  FieldNameSchema,
  type FieldType,
  parseDeclaration,
  schemaHash,
  splitFields,
} from './declaration.ts';
export {
  compileRecordValidator,
  type EncodedRecord,
  fieldValueSchema,
  fieldValueToBigInt,
  jsonValueToText,
  MAX_FIELD_INTEGER,
  type RecordValidator,
  type RowOutcome,
} from './field-values.ts';
export {
  formatOfPath,
  type ImportFormat,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type ImportSource,
  importRecords,
  importRecordsFromFile,
} from './import.ts';
export { type JsonLine, JsonLineSyntaxError, JsonLinesParser, type JsonLinesParserOptions } from './jsonl.ts';
export { isUscc, USCC_ALPHABET, USCC_LENGTH, usccCheckCharacter, usccProblem, usccToBigInt } from './uscc.ts';
