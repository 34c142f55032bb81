// Composition root: parses the sub-command and hands over to the CLI or the server.
console.log(
  "deid: a streaming DICOM anonymizer (work in progress). Usage: main.ts anonymize IN OUT",
);
