import { Public } from '@app/common';
import { Body, Controller, Get, HttpCode, Module, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

class ProbeAddressDto {
  @IsString()
  @MinLength(2)
  city: string;
}

export class ProbeDto {
  @IsString()
  @MinLength(3)
  @MaxLength(20)
  name: string;

  @IsEmail()
  email: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ProbeAddressDto)
  address?: ProbeAddressDto;
}

export class ProbePageDto {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number;
}

/** Test-only routes that exercise the cross-cutting behaviour the real routes rely on. */
@Public()
@Controller('probe')
export class ProbeController {
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }

  @Get('page')
  page(@Query() query: ProbePageDto): ProbePageDto {
    return query;
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection to db-internal-host:5432 failed for user secret_user');
  }

  @Get('slow')
  async slow(@Query('ms') ms = '300'): Promise<{ waited: number }> {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { waited: Number(ms) };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
