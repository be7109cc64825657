using System.Xml.Linq;
using Xunit;

namespace Tessera.Tests.Architecture;

/// <summary>Dependencies point inward (DESIGN.md): checked on the project files themselves.</summary>
public sealed class DependencyTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void the_core_references_no_project_and_no_database_driver()
    {
        var project = Path.Combine(Root, "src", "Tessera", "Tessera.csproj");
        Assert.Empty(References(project, "ProjectReference"));
        var packages = References(project, "PackageReference");
        Assert.All(packages, p => Assert.True(p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || p == "System.IO.Hashing", p));
    }

    [Fact]
    public void every_other_source_project_depends_on_the_core_and_not_on_its_siblings_storage()
    {
        foreach (var project in Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            foreach (var reference in References(project, "ProjectReference"))
            {
                var target = Path.GetFileNameWithoutExtension(reference);
                Assert.False(name.StartsWith("Tessera.Storage.", StringComparison.Ordinal) && target.StartsWith("Tessera.Storage.", StringComparison.Ordinal), $"{name} references {target}.");
            }
        }
    }

    [Fact]
    public void sample_domains_reference_the_core_only()
    {
        foreach (var domain in new[] { "Shop", "Lab" })
        {
            var project = Path.Combine(Root, "samples", domain, $"{domain}.csproj");
            var references = References(project, "ProjectReference").Select(Path.GetFileNameWithoutExtension);
            Assert.Equal(["Tessera"], references);
        }
    }

    private static List<string> References(string project, string kind) =>
        XDocument.Load(project).Descendants(kind).Select(e => (string)e.Attribute("Include")!).ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Tessera.slnx not found above the test's folder.");
    }
}
