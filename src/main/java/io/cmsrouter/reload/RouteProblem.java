package io.cmsrouter.reload;

/** What is wrong with a route set, and where: the file and, when known, the line and column (from 1). */
public record RouteProblem(String file, Integer line, Integer column, String problem) {

    /** A problem at {@code {line, column}} (a column of 0: not known), or in the file as a whole when null. */
    static RouteProblem at(String file, int[] lineAndColumn, String problem) {
        return lineAndColumn == null ? new RouteProblem(file, null, null, problem)
                : new RouteProblem(file, lineAndColumn[0], lineAndColumn[1] == 0 ? null : lineAndColumn[1], problem);
    }

    /** {@code routes/router.camel.yaml:12:7: nothing consumes direct:setle}. */
    public String describe() {
        StringBuilder where = new StringBuilder(file == null ? "routes" : file);
        if (line != null) {
            where.append(':').append(line);
            if (column != null) {
                where.append(':').append(column);
            }
        }
        return where + ": " + problem;
    }
}
