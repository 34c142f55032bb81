// Composition root: parses the sub-command and hands over to the CLI or the server.
// Each command's modules are imported when it runs (string literals, so `deno bundle` and
// `deno compile` still include them): start-up loads only what the command uses.

const USAGE = `Usage: deid <command> [options]

Commands:
  anonymize IN OUT [options]         de-identify DICOM files (see: deid anonymize --help)
  dicom-anonymizer IN OUT [options]  the same, named like KitwareMedical/dicom-anonymizer
  serve [--port N] [--host H]        the web application (configuration: .env.example)
    [--dimse-port N] [--ae-title AE] [--forward-to AE@host:port|URL]
                                     … with the DICOM C-STORE receiver
  admin reset-password [--password-stdin]
                                     set a new admin password (generated into
                                     $DATA_DIR/admin-password unless read from stdin)
  healthcheck [--port N]             exit 0 when the local server answers /health
  verify OUT [--manifest FILE] …     check de-identified outputs independently
                                     (see: deid verify --help)
  crosswalk export --out FILE.csv.enc | crosswalk import FILE.csv.enc
                                     the encrypted pseudonym crosswalk (admin; needs
                                     CROSSWALK_ENABLED=true; see: deid crosswalk --help)

Options: --help, --version`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "anonymize":
    case "dicom-anonymizer":
      return await (await import("./cli/anonymize.ts")).anonymize(rest);
    case "serve":
      await (await import("./routes/serve.ts")).serve(rest);
      return 0;
    case "admin":
      if (rest[0] === "reset-password") {
        return await (await import("./routes/admin_cli.ts")).resetAdminPassword(rest.slice(1));
      }
      console.error(`error: unknown admin command\n\n${USAGE}`);
      return 2;
    case "healthcheck":
      return await (await import("./cli/healthcheck.ts")).healthcheck(rest);
    case "verify":
      return await (await import("./cli/verify.ts")).verify(rest);
    case "crosswalk":
      return await (await import("./cli/crosswalk_cmd.ts")).crosswalk(rest);
    case "--version":
    case "-V":
      console.log((await import("./cli/usage.ts")).versionText());
      return 0;
    case undefined:
    case "--help":
    case "-h":
    case "help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`error: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

Deno.exit(await main(Deno.args));
