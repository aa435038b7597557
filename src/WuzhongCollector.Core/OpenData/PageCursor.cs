using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.OpenData;

/// <summary>What to do after a page: ask for <see cref="Next"/>, stop (saying why), or fail (<see cref="Failure"/>).</summary>
public sealed record PageStep(PageRequest? Next, string Reason, string? Failure = null);

/// <summary>
/// Decides whether another page is needed. Stops on an empty page, on a reached total, on a short page
/// when no total is known (page and offset modes), or when the next link is missing or repeats. A known
/// total wins over a short page, because CKAN clamps an over-large limit silently.
/// </summary>
public static class PageCursor
{
    public static PageStep After(Paging paging, PageRequest current, string currentUrl, int records, int recordsSoFar, long? total, string? nextLink)
    {
        if (records == 0)
        {
            return new PageStep(null, $"page {current.Index} is empty");
        }

        var knownTotal = total > 0 ? total : null;
        if (knownTotal is { } t && recordsSoFar >= t)
        {
            return new PageStep(null, $"all {t} records read");
        }

        PageRequest next;
        if (paging.Mode == PagingMode.Next)
        {
            if (string.IsNullOrWhiteSpace(nextLink))
            {
                return new PageStep(null, $"page {current.Index} has no next link");
            }

            if (!Uri.TryCreate(new Uri(currentUrl), nextLink, out var resolved) || resolved.Scheme is not ("http" or "https"))
            {
                return new PageStep(null, string.Empty, $"the next link '{nextLink}' is not a URL");
            }

            var here = new Uri(currentUrl);
            if (!string.Equals(resolved.Authority, here.Authority, StringComparison.OrdinalIgnoreCase))
            {
                // Following it would send this source's headers and tokens to another host.
                return new PageStep(null, string.Empty, $"the next link leads to another host ({resolved.Authority}); not followed");
            }

            if (resolved.AbsoluteUri == here.AbsoluteUri)
            {
                return new PageStep(null, $"page {current.Index} links to itself");
            }

            next = current with { Index = current.Index + 1, NextUrl = resolved.AbsoluteUri };
        }
        else
        {
            if (knownTotal is null && records < current.Size)
            {
                return new PageStep(null, $"page {current.Index} is short ({records} of {current.Size})");
            }

            next = paging.Mode == PagingMode.Page
                ? current with { Index = current.Index + 1, Number = current.Number + 1 }
                : current with { Index = current.Index + 1, Offset = current.Offset + records };
        }

        return next.Index > paging.MaxPages
            ? new PageStep(null, string.Empty, $"more than {paging.MaxPages} pages (paging.maxPages) and the source says there is more; raise maxPages or narrow the query")
            : new PageStep(next, $"page {current.Index}: {records} records");
    }
}
