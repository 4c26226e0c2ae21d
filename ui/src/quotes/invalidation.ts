/** The invalidation tag of the screens that list quotes and policies: the dashboard and the quote list. */
export const QUOTES = "quotes";
