namespace Connectors.Reliability;

/// <summary>
/// One scenario's figures. Lost: an event the host acknowledged (2xx) that never posted, or a delivery re-sent until
/// acknowledged that still did not. Duplicated: postings beyond one per event. WrongBooks (of BooksChecked orders, for
/// the scenarios that check books): orders whose net, tax or stock is not what their lifecycle makes it. Failures: every
/// other broken expectation.
/// </summary>
public sealed class ScenarioResult(string name)
{
    public string Name { get; } = name;
    public int Sent;
    public int Accepted;
    public int RejectedAsExpected;
    public int Lost;
    public int Duplicated;
    /// <summary>Orders whose books were checked against a model (0: the scenario does not check books).</summary>
    public int BooksChecked;
    public int WrongBooks;
    public TimeSpan Elapsed { get; set; }
    public List<string> Failures { get; } = [];
    public List<string> Notes { get; } = [];

    public bool Passed => Lost == 0 && Duplicated == 0 && WrongBooks == 0 && FailureCount == 0;

    /// <summary>Records a failure; beyond the first of a kind (same first 60 characters) only the count grows, so the list stays readable.</summary>
    public void Fail(string failure)
    {
        lock (Failures)
        {
            FailureCount++;
            var kind = failure.Length <= 60 ? failure : failure[..60];
            if (Failures.Count < 50 && !Failures.Any(f => f.StartsWith(kind, StringComparison.Ordinal))) Failures.Add(failure);
        }
    }

    public int FailureCount { get; private set; }

    public override string ToString() =>
        $"{Name,-20} sent {Sent,7}  accepted {Accepted,6}  rejected-as-expected {RejectedAsExpected,7}  lost {Lost}  duplicated {Duplicated}{(BooksChecked > 0 ? $"  wrong books {WrongBooks} of {BooksChecked}" : "")}  failures {FailureCount}  ({Elapsed.TotalSeconds:0.0} s)";

    /// <summary>The result with its failures, for an assertion message.</summary>
    public string Describe() => ToString() + (Failures.Count == 0 ? "" : "\n  " + string.Join("\n  ", Failures)) + (Notes.Count == 0 ? "" : "\n  note: " + string.Join("\n  note: ", Notes));
}
