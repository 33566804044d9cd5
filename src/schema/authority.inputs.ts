import { IsOptional, Matches } from 'class-validator';
import { ArgsType, Field, InputType } from 'type-graphql';
import { PageArgs } from './connection.types';
import { SchoolTypeEnum } from './enums';
import { LA_CODE, LA_CODE_MESSAGE, NotNullWhenGiven, Trimmed, URN, URN_MESSAGE } from './validators';

@InputType({ description: 'A new local authority.' })
export class CreateAuthorityInput {
  @Field({ description: 'DfE LA code, 3 digits.' })
  @Matches(LA_CODE, { message: LA_CODE_MESSAGE })
  laCode: string;

  @Field()
  @Trimmed(200)
  name: string;
}

@InputType({ description: 'Changes to an authority; fields left out are unchanged.' })
export class UpdateAuthorityInput {
  @Field({ nullable: true })
  @NotNullWhenGiven()
  @Trimmed(200)
  name?: string;
}

@ArgsType()
export class SchoolsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'LA code of the authority the schools belong to.' })
  @IsOptional()
  @Matches(LA_CODE, { message: LA_CODE_MESSAGE })
  authority?: string | null;

  @Field(() => SchoolTypeEnum, { nullable: true })
  type?: SchoolTypeEnum | null;
}

@InputType({ description: 'A new school.' })
export class CreateSchoolInput {
  @Field({ description: 'URN, 6 digits.' })
  @Matches(URN, { message: URN_MESSAGE })
  urn: string;

  @Field()
  @Trimmed(200)
  name: string;

  @Field({ description: 'LA code of the authority the school belongs to.' })
  @Matches(LA_CODE, { message: LA_CODE_MESSAGE })
  laCode: string;

  @Field(() => SchoolTypeEnum)
  type: SchoolTypeEnum;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Trimmed(100)
  phase?: string | null;
}

@InputType({
  description: 'Changes to a school; fields left out are unchanged, null clears an optional field.',
})
export class UpdateSchoolInput {
  @Field({ nullable: true })
  @NotNullWhenGiven()
  @Trimmed(200)
  name?: string;

  @Field({ nullable: true, description: 'Move the school to another authority (LA code).' })
  @NotNullWhenGiven()
  @Matches(LA_CODE, { message: LA_CODE_MESSAGE })
  laCode?: string;

  @Field(() => SchoolTypeEnum, { nullable: true })
  @NotNullWhenGiven()
  type?: SchoolTypeEnum;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Trimmed(100)
  phase?: string | null;
}
