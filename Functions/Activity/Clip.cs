using System.Diagnostics.CodeAnalysis;

namespace Connectors.Activity;

/// <summary>
/// The one way a text from outside (an event name, a header, an error, an answer) is shortened for a message, a log or
/// the activity log.
/// </summary>
public static class Clip
{
    /// <summary>
    /// The text itself when it fits, else its start and "…", in at most max characters: the mark says something was cut,
    /// the limit is a real limit (storage and answers rely on it), and a surrogate pair is never split (half a pair is
    /// not valid UTF-16 and JSON writers refuse it).
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? To(string? text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        if (text is null || text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
