// Composition root: parses the sub-command and hands over to the CLI or the server.
import { anonymize } from "./cli/anonymize.ts";
import { healthcheck } from "./cli/healthcheck.ts";
import { versionText } from "./cli/usage.ts";
import { resetAdminPassword } from "./routes/admin_cli.ts";
import { serve } from "./routes/serve.ts";
import { verify } from "./cli/verify.ts";
import { crosswalk } from "./cli/crosswalk_cmd.ts";

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
      return await anonymize(rest);
    case "serve":
      await serve(rest);
      return 0;
    case "admin":
      if (rest[0] === "reset-password") return await resetAdminPassword(rest.slice(1));
      console.error(`error: unknown admin command\n\n${USAGE}`);
      return 2;
    case "healthcheck":
      return await healthcheck(rest);
    case "verify":
      return await verify(rest);
    case "crosswalk":
      return await crosswalk(rest);
    case "--version":
    case "-V":
      console.log(versionText());
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
