package dev.cascade.eval;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Command line: writes {@code roi.json} and {@code roi.html} from an evaluation result file.
 *
 * <pre>
 * java -cp cascade-eval.jar:cascade-core.jar:jackson-*.jar dev.cascade.eval.RoiCommand --in eval.json --out report/
 *      [--baseline NAME|counterfactual] [--chosen NAME] [--monthly-volume N] [--history DIR] [--title TEXT]
 * </pre>
 * {@code --history} names a {@link ValidationHistory#directory directory history} whose runs make the trend. Exit
 * status 0 on success, 2 on a usage error, 1 when the input cannot be read or the report not written (the reason on
 * standard error).
 */
public final class RoiCommand {
    static final String USAGE = "usage: RoiCommand --in EVAL_JSON --out DIR [--baseline NAME|counterfactual]"
            + " [--chosen NAME] [--monthly-volume N] [--history DIR] [--title TEXT]";

    private RoiCommand() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Path in = null;
        Path dir = null;
        Path history = null;
        RoiOptions options = RoiOptions.defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                return 0;
            }
            if (i + 1 >= args.length) {
                err.println("option " + a + " needs a value; " + USAGE);
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--in" -> in = Path.of(v);
                case "--out" -> dir = Path.of(v);
                case "--history" -> history = Path.of(v);
                case "--baseline" -> options = options.withBaseline(v);
                case "--chosen" -> options = options.withChosen(v);
                case "--title" -> options = options.withTitle(v);
                case "--monthly-volume" -> {
                    try {
                        options = options.withMonthlyVolume(Long.parseLong(v.replace("_", "").replace(",", "")));
                    } catch (IllegalArgumentException e) {
                        err.println("--monthly-volume must be a whole number >= 0, was '" + v + "'");
                        return 2;
                    }
                }
                default -> {
                    err.println("unknown option " + a + "; " + USAGE);
                    return 2;
                }
            }
        }
        if (in == null || dir == null) {
            err.println((in == null ? "--in" : "--out") + " is required; " + USAGE);
            return 2;
        }
        try {
            EvaluationResult result = EvalJson.read(in, EvaluationResult.class);
            if (history != null) {
                options = options.withTrend(ValidationHistory.directory(history).all());
            }
            RoiReport report = RoiReport.fromEvaluation(result, options);
            List<Path> written = RoiReportWriter.write(report, dir);
            out.println(report.headline());
            written.forEach(p -> out.println("wrote " + p));
            return 0;
        } catch (RuntimeException e) {
            err.println("RoiCommand: " + e.getMessage());
            return 1;
        }
    }
}
