// Composition root: parses the sub-command and hands over to the CLI or the server.
const USAGE = `Usage: main.ts <command> [options]

Commands:
  anonymize IN OUT [options]         de-identify DICOM files (see: main.ts anonymize --help)
  dicom-anonymizer IN OUT [options]  the same, named like KitwareMedical/dicom-anonymizer
  serve [options]                    the web application

Options: --help, --version`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "anonymize":
    case "dicom-anonymizer": {
      const { anonymize } = await import("./cli/anonymize.ts");
      return await anonymize(rest);
    }
    case "serve": {
      // A computed specifier: routes/ is built separately and may not exist in this checkout.
      const url = new URL("./routes/serve.ts", import.meta.url).href;
      const mod = await import(url).catch(() => undefined);
      if (typeof mod?.serve !== "function") {
        console.error("error: the server is not available in this build (routes/serve.ts)");
        return 1;
      }
      return (await mod.serve(rest)) ?? 0;
    }
    case "--version":
    case "-V": {
      const { versionText } = await import("./cli/usage.ts");
      console.log(versionText());
      return 0;
    }
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
