using System.Reflection;

namespace Voting.Tests.Architecture;

/// <summary>Each role is a room of its own: Poll, Worker and Result never use each other's types.</summary>
public class BoundaryTests
{
    private static readonly string[] RoleNamespaces = ["Voting.Poll", "Voting.Worker", "Voting.Result"];

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void Roles_never_reference_each_other()
    {
        var types = typeof(Voting.Poll.PollModule).Assembly.GetTypes();
        var violations = new List<string>();
        foreach (var type in types)
        {
            var own = RoleOf(type);
            if (own is null)
            {
                continue;
            }
            foreach (var used in UsedTypes(type))
            {
                var other = RoleOf(used);
                if (other is not null && other != own)
                {
                    violations.Add($"{type.FullName} uses {used.FullName}");
                }
            }
        }
        Assert.Empty(violations);
        // The check sees real dependencies: each role module uses types of its own folder.
        Assert.Contains(UsedTypes(typeof(Voting.Poll.PollApi)), t => RoleOf(t) == "Voting.Poll");
    }

    [Fact]
    public void Shared_modules_do_not_depend_on_roles()
    {
        var shared = typeof(Voting.Poll.PollModule).Assembly.GetTypes()
            .Where(t => t.Namespace is "Voting.Queue" or "Voting.Storage" or "Voting.Storage.Migrations");
        Assert.All(shared, type => Assert.DoesNotContain(UsedTypes(type), t => RoleOf(t) is not null));
    }

    private static string? RoleOf(Type type)
    {
        var ns = (type.IsGenericType ? type.GetGenericTypeDefinition() : type).Namespace ?? string.Empty;
        return RoleNamespaces.FirstOrDefault(r => ns == r || ns.StartsWith(r + ".", StringComparison.Ordinal));
    }

    private static IEnumerable<Type> UsedTypes(Type type)
    {
        var direct = new List<Type>();
        direct.AddRange(type.GetFields(Everything).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(Everything).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method is MethodInfo info)
            {
                direct.Add(info.ReturnType);
            }
        }
        if (type.BaseType is not null)
        {
            direct.Add(type.BaseType);
        }
        direct.AddRange(type.GetInterfaces());
        return direct.SelectMany(Expand).Distinct();
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Expand(type.GetElementType()!))
            {
                yield return inner;
            }
        }
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return argument;
            }
        }
    }
}
