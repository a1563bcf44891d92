using System.Reflection;
using NetArchTest.Rules;

namespace Voting.Tests.Architecture;

/// <summary>
/// Each role is a room of its own: Poll, Worker and Result never use each other's types, and the
/// shared parts (Queue, Storage, Web and the root namespace) use no role's. The check reads IL
/// (NetArchTest, over Mono.Cecil), so a call inside a method body, a lambda or an async state machine
/// counts as much as a parameter type.
/// </summary>
public class BoundaryTests
{
    private static readonly string[] Roles = ["Poll", "Worker", "Result"];

    private static Assembly Modules => typeof(Voting.Poll.PollModule).Assembly;

    [Fact]
    public void Roles_never_reference_each_other()
    {
        Assert.Empty(RoleViolations(Modules, "Voting"));
    }

    [Fact]
    public void Shared_modules_do_not_depend_on_roles()
    {
        Assert.Empty(SharedViolations(Modules, "Voting", ["Queue", "Storage", "Web"]));
    }

    [Fact]
    public void The_rules_look_at_types_that_exist()
    {
        // A rule over an empty set passes whatever it says: each namespace the rules name has types.
        var namespaces = Modules.GetTypes().Select(t => t.Namespace).ToHashSet();
        Assert.All(Roles.Concat(["Queue", "Storage", "Web"]), n => Assert.Contains($"Voting.{n}", namespaces));
        Assert.Contains("Voting", namespaces);
    }

    [Fact]
    public void A_forbidden_call_inside_a_method_body_fails_the_check()
    {
        // The sample below calls Worker code from Poll and Result code, and from the shared root,
        // only inside method bodies: no field, parameter or return type names a Worker type, which
        // is all the reflection check this replaced could see.
        const string root = "Voting.Tests.Architecture.Sample";
        var roles = RoleViolations(typeof(BoundaryTests).Assembly, root);
        Assert.Contains(roles, v => v.StartsWith($"{root}.Poll.DirectCall", StringComparison.Ordinal));
        Assert.Contains(roles, v => v.StartsWith($"{root}.Result.AsyncCall", StringComparison.Ordinal));
        Assert.DoesNotContain(roles, v => v.StartsWith($"{root}.Worker.", StringComparison.Ordinal));

        var shared = SharedViolations(typeof(BoundaryTests).Assembly, root, []);
        Assert.Contains(shared, v => v.StartsWith($"{root}.SharedCall", StringComparison.Ordinal));
    }

    /// <summary>Types of one role (under <paramref name="root"/>) that depend on another role's.</summary>
    private static List<string> RoleViolations(Assembly assembly, string root)
    {
        var violations = new List<string>();
        foreach (var role in Roles)
        {
            var others = Roles.Where(r => r != role).Select(r => $"{root}.{r}").ToArray();
            var result = Types.InAssembly(assembly).That().ResideInNamespace($"{root}.{role}")
                .ShouldNot().HaveDependencyOnAny(others).GetResult();
            violations.AddRange(result.FailingTypeNames ?? []);
        }
        return violations;
    }

    /// <summary>Types of the shared namespaces and of <paramref name="root"/> itself that depend on a role.</summary>
    private static List<string> SharedViolations(Assembly assembly, string root, string[] shared)
    {
        var roles = Roles.Select(r => $"{root}.{r}").ToArray();
        var violations = new List<string>();
        foreach (var part in shared)
        {
            violations.AddRange(Types.InAssembly(assembly).That().ResideInNamespace($"{root}.{part}")
                .ShouldNot().HaveDependencyOnAny(roles).GetResult().FailingTypeNames ?? []);
        }
        violations.AddRange(Types.InAssembly(assembly).That().ResideInNamespaceMatching($"^{root.Replace(".", "\\.", StringComparison.Ordinal)}$")
            .ShouldNot().HaveDependencyOnAny(roles).GetResult().FailingTypeNames ?? []);
        return violations;
    }
}
