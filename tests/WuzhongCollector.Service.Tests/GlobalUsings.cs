global using Dapper;
global using Microsoft.AspNetCore.Http;
global using Npgsql;
global using System.Net.Http.Json;
global using WuzhongCollector.Service.Collection;
global using WuzhongCollector.Service.Tests.Infrastructure;
