/**
 * The most runs one comparison takes. Each compared run is a request, and a series on every
 * chart; and the selection travels in the URL, which servers refuse past about 16 KB (a run id
 * is 32 characters).
 */
export const maxCompareRuns = 100;
