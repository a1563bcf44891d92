using Npgsql;

namespace Voting.Storage;

/// <summary>
/// Retries a database call once when the error says a retry may succeed. The stores use it for their
/// reads, so callers never wrap a store call themselves.
/// </summary>
internal static class Transient
{
    public static async Task<T> RetryOnceAsync<T>(NpgsqlDataSource dataSource, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken);
        }
        catch (NpgsqlException e) when (e.IsTransient)
        {
            // After a PostgreSQL restart every pooled connection is dead (57P01): drop them all.
            dataSource.Clear();
            return await call(cancellationToken);
        }
    }
}
